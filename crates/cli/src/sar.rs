//! `careful sar`: everything careful holds about a child, for a subject access request.

use std::path::PathBuf;

use clap::Args;

use careful_domain::ChildId;

use crate::admin::Common;
use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct SarArgs {
    #[command(flatten)]
    common: Common,
    /// The child: the council's child ID, or careful's.
    #[arg(long, value_name = "ID")]
    person: String,
    /// The folder to write the bundle into (made if need be): index.html to read, record.json
    /// with the record as stored.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub async fn run(args: SarArgs) -> Result<(), Failure> {
    let (_app, handle) = crate::admin::handle(&args.common).await?;
    let child = resolve(&handle, &args.person).await?;
    let bundle = handle.subject_access(child).await?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", args.out.display())))?;
    let html = careful_web::subject_access::render(&bundle)
        .map_err(|e| Failure::new(format!("the bundle could not be written: {e}")))?;
    let index = args.out.join("index.html");
    std::fs::write(&index, html).map_err(|e| Failure::new(format!("cannot write {}: {e}", index.display())))?;
    let json = serde_json::json!({
        "child": bundle.child.to_string(),
        "la_child_id": bundle.la_child_id,
        "name": bundle.name,
        "date_of_birth": bundle.date_of_birth.map(|d| d.to_string()),
        "generated_at": bundle.generated_at.to_rfc3339(),
        "generated_by": bundle.generated_by,
        "restriction": bundle.restriction,
        "documents": bundle.documents,
        "events": bundle.events.iter().map(|e| serde_json::json!({
            "sequence": e.sequence,
            "kind": e.kind,
            "effective_date": e.effective_date.to_string(),
            "recorded_at": e.recorded_at.to_rfc3339(),
            "recorded_by": e.recorded_by,
            "reason": e.reason,
            "payload": e.payload,
        })).collect::<Vec<_>>(),
        "data_quality": bundle.flags.iter().map(|f| serde_json::json!({
            "source": f.source, "rule": f.rule, "message": f.message, "file": f.file, "line": f.line, "fields": f.fields,
        })).collect::<Vec<_>>(),
        "access_log": bundle.access_log.iter().map(|a| serde_json::json!({
            "at": a.at.to_rfc3339(), "who": a.who, "what": a.what, "outcome": a.outcome, "reason": a.reason, "from": a.from,
        })).collect::<Vec<_>>(),
    });
    let record = args.out.join("record.json");
    let text = serde_json::to_string_pretty(&json).map_err(|e| Failure::new(e.to_string()))?;
    std::fs::write(&record, text).map_err(|e| Failure::new(format!("cannot write {}: {e}", record.display())))?;
    handle.subject_access_written(child, &args.out.display().to_string()).await?;
    say!(
        "Wrote everything careful holds about child {} to {}: {} chronology entries, {} audit entries, {} documents.",
        bundle.la_child_id,
        args.out.display(),
        bundle.chronology.len(),
        bundle.access_log.len(),
        bundle.documents.len()
    );
    say!("  {}", index.display());
    say!("  {}", record.display());
    Ok(())
}

/// A child by the council's ID or careful's.
pub async fn resolve(handle: &careful_app::UserHandle, id: &str) -> Result<ChildId, Failure> {
    let mut found = handle.find_child(id).await?;
    if found.is_empty()
        && let Ok(child) = id.parse::<ChildId>()
    {
        found.push(child);
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Failure::new(format!("no child has the ID {id}"))),
        many => {
            Err(Failure::new(format!("{} children have the council ID {id}: give careful's ID instead", many.len())))
        }
    }
}
