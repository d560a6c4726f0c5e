//! The practitioners' pages through the real server, on both engines: My work, recording with
//! the domain's errors beside each question, a conflict that keeps what was typed, the
//! guardrails with a manager's override, corrections and withdrawals in the chronology, the
//! team and IRO views, the caseload's filters and the child's own page.

use chrono::{NaiveDate, Utc};

use careful_app::record::Proposed;
use careful_domain::record::ChildEvent;

use crate::on_both_engines;
use crate::support::accounts::totp;
use crate::support::practice::{Practice, days_ago, practice};
use crate::support::process::Careful;
use crate::support::web::{Page, Session};
use crate::support::{Engine, TestDb};

fn day(d: NaiveDate) -> (String, String, String) {
    use chrono::Datelike;
    (d.day().to_string(), d.month().to_string(), d.year().to_string())
}

/// The `_sequence` a form was opened at.
fn sequence(page: &Page) -> String {
    let at = page.body.find("name=\"_sequence\" value=\"").expect("a sequence in the form") + 24;
    let end = page.body[at..].find('"').unwrap() + at;
    page.body[at..end].to_string()
}

/// The first `/entries/{id}/correct` link after `marker` in a chronology page.
fn entry_after(page: &Page, marker: &str) -> String {
    let at = page.body.find(marker).unwrap_or_else(|| panic!("no {marker:?} in:\n{}", page.body));
    let rest = &page.body[at..];
    let link = rest.find("/entries/").expect("a correction link") + "/entries/".len();
    rest[link..link + 36].to_string()
}

/// A visit's answers, dated `on`.
fn visit(on: NaiveDate, alone: &str, wishes: &str) -> Vec<(String, String)> {
    let (d, m, y) = day(on);
    vec![
        ("date-day".into(), d),
        ("date-month".into(), m),
        ("date-year".into(), y),
        ("visit".into(), "looked_after".into()),
        ("seen".into(), "yes".into()),
        ("seen_alone.alone".into(), alone.into()),
        ("wishes_and_feelings".into(), wishes.into()),
        ("_note".into(), String::new()),
    ]
}

async fn send(session: &Session, path: &str, form: &Page, sequence: &str, answers: &[(String, String)]) -> Page {
    let mut fields: Vec<(&str, &str)> = vec![("_sequence", sequence)];
    fields.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    session.post(path, form, &fields).await
}

/// Signs a team manager in through the browser's pages: password, then the code.
async fn manager_session(base: &str, p: &Practice) -> Session {
    let tess = Session::new(base);
    let first = tess.sign_in("tess.manager", &p.tess_password).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let location = first.location.clone().unwrap();
    assert!(location.starts_with("/sign-in/two-factor"), "{location}");
    for offset in [0, 1, 2] {
        let page = tess.get(&location).await;
        let answer =
            tess.post("/sign-in/two-factor", &page, &[("code", &totp(&p.tess_secret, Utc::now(), offset))]).await;
        if answer.status == 303 {
            return tess;
        }
    }
    panic!("the team manager could not sign in");
}

on_both_engines!(a_worker_sees_what_is_overdue_records_it_and_the_record_keeps_count);

async fn a_worker_sees_what_is_overdue_records_it_and_the_record_keeps_count(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let p = practice(&db.url_string()).await;
    let careful = Careful::serve(&db.url_string());
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &p.sam_password).await.status, 303);
    let mia = p.mia.to_string();

    // The front page leads to My work, where the first visit in the placement is overdue, with
    // the arithmetic and a link to the form that meets it.
    let front = sam.get("/").await;
    assert_eq!((front.status, front.location.as_deref()), (303, Some("/my-work")));
    let work = sam.get("/my-work").await;
    assert_eq!(work.status, 200);
    let overdue = &work.body[work.body.find("Overdue</caption>").expect("an overdue table")..];
    assert!(overdue.contains("Mia Smith") && overdue.contains("in their new placement"), "{}", work.body);
    assert!(overdue.contains("Overdue by 53 days"), "{}", work.body);
    let due = p.looked_after + chrono::Days::new(7);
    assert!(
        overdue.contains(&format!(
            "1 week after {} is {}",
            careful_domain::calendar::long_date(p.looked_after),
            careful_domain::calendar::long_date(due)
        )),
        "{}",
        work.body
    );
    let link = format!("/children/{mia}/record/visit?visit=looked_after&#38;seen=yes");
    assert!(overdue.contains(&link), "{}", work.body);

    // The form comes prefilled, with today's date.
    let path = format!("/children/{mia}/record/visit");
    let form = sam.get(&format!("{path}?visit=looked_after&seen=yes")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("value=\"looked_after\" checked"), "{}", form.body);
    let seq = sequence(&form);

    // Whether the child was seen alone is asked for; what was typed stays.
    let wishes = "Wants to see her brother every week";
    let page = send(&sam, &path, &form, &seq, &visit(p.today, "", wishes)).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("href=\"#seen-alone-alone\">Select whether the child was seen alone</a>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(wishes));
    // A visit in the future is refused.
    let page = send(&sam, &path, &form, &seq, &visit(p.today + chrono::Days::new(1), "yes", wishes)).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("The date must be today or in the past"), "{}", page.body);
    // The domain's own check, beside the question: a visit before Mia became known.
    let page = send(&sam, &path, &form, &seq, &visit(days_ago(p.today, 80), "yes", wishes)).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("It is before the child became known"), "{}", page.body);

    // Someone else records meanwhile: nothing is saved, the form says what they recorded and
    // keeps every answer.
    p.sam
        .record(
            p.mia,
            seq.parse::<u64>().map(careful_domain::Sequence::new).unwrap(),
            vec![Proposed::new(ChildEvent::DentalCheckCompleted {}, p.today)],
        )
        .await
        .unwrap();
    let page = send(&sam, &path, &form, &seq, &visit(p.today, "yes", wishes)).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.body.contains("Someone else has recorded in Mia Smith's record since you opened this form"));
    assert!(page.body.contains("Dental check"), "{}", page.body);
    assert!(page.body.contains(wishes) && page.body.contains("value=\"yes\" checked"), "{}", page.body);
    let newer = sequence(&page);
    assert_ne!(newer, seq);
    let saved = send(&sam, &path, &page, &newer, &visit(p.today, "yes", wishes)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some(format!("/children/{mia}?recorded=visit").as_str()));

    // The child's page: saved, the wishes and feelings quoted, the duty met (late).
    let child = sam.get(saved.location.as_deref().unwrap()).await;
    assert!(child.body.contains("Saved in Mia's record"), "{}", child.body);
    assert!(child.body.contains(&format!("&ldquo;{wishes}&rdquo;")), "{}", child.body);
    let met = &child.body[child.body.find("Met in the last 90 days").expect("duties met")..];
    assert!(met.contains("in their new placement") && met.contains("Met 53 days late"), "{}", child.body);
    let work = sam.get("/my-work").await;
    assert!(!work.body.contains("Overdue by 53 days"), "{}", work.body);

    // The chronology: the visit, who recorded it, filtered and printable.
    let chronology = sam.get(&format!("/children/{mia}/chronology")).await;
    assert!(chronology.body.contains("Statutory visit: child seen alone; the child&#39;s wishes and feelings"));
    assert!(chronology.body.contains("recorded by Sam Social"));
    let visits = sam.get(&format!("/children/{mia}/chronology?area=Visits")).await;
    assert!(visits.body.contains("1 of 7 entries"), "{}", visits.body);
    let bad = sam.get(&format!("/children/{mia}/chronology?from-day=31&from-month=2&from-year=2026")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("The first date must be a real date"), "{}", bad.body);
    let print = sam.get(&format!("/children/{mia}/chronology?print=yes")).await;
    assert!(print.body.contains("Printed from careful by Test sam.social") && !print.body.contains("Apply filters"));

    // A correction: seen, but not alone after all, with the reason; the chronology keeps both.
    let id = entry_after(&chronology, "Statutory visit: child seen alone");
    let correct = format!("/children/{mia}/entries/{id}/correct");
    let form = sam.get(&correct).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(wishes), "the correction starts from the entry: {}", form.body);
    let mut answers = visit(p.today, "no", wishes);
    answers.push(("seen_alone.reason".into(), "child_refused".into()));
    let page = send(&sam, &correct, &form, &sequence(&form), &answers).await;
    assert_eq!(page.status, 422, "a correction says why");
    assert!(page.body.contains("Say why the entry is being corrected"));
    answers.retain(|(k, _)| k != "_note");
    answers.push(("_note".into(), "Mia asked for her carer to stay".into()));
    let page = send(&sam, &correct, &form, &sequence(&form), &answers).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let chronology = sam.get(&format!("/children/{mia}/chronology")).await;
    assert!(
        chronology.body.contains("Statutory visit: child seen, not alone: the child refused"),
        "{}",
        chronology.body
    );
    assert!(chronology.body.contains("It corrected:") && chronology.body.contains("Mia asked for her carer to stay"));
    // Withdrawing the dental check as entered in error.
    let id = entry_after(&chronology, "Dental check");
    let withdraw = format!("/children/{mia}/entries/{id}/correct");
    let form = sam.get(&format!("{withdraw}?withdraw=yes")).await;
    let page = send(
        &sam,
        &withdraw,
        &form,
        &sequence(&form),
        &[("_withdraw".into(), "yes".into()), ("_note".into(), "Recorded on the wrong child".into())],
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let chronology = sam.get(&format!("/children/{mia}/chronology")).await;
    assert!(
        chronology.body.contains("<del>Dental check</del>") && chronology.body.contains("Recorded on the wrong child")
    );

    // The child's own page, in plain words.
    let own = sam.get(&format!("/children/{mia}/my-plan")).await;
    assert!(own.body.contains("Hello, Mia") && own.body.contains("Your social worker is <strong>Sam Social</strong>"));
    assert!(own.body.contains("Ida Reviewer") && own.body.contains(wishes));
    assert!(!own.body.contains("C1") && !own.body.contains("U6"), "no codes on the child's page");

    // The caseload's filters.
    let looked_after = sam.get("/caseload?status=looked-after&sort=due").await;
    assert!(looked_after.body.contains("Mia Smith"), "{}", looked_after.body);
    let protection = sam.get("/caseload?status=child-protection").await;
    assert!(protection.body.contains("No child matches the filters") && !protection.body.contains("Mia Smith"));
}

on_both_engines!(the_guardrails_refuse_or_ask_a_manager_and_the_views_show_the_work);

async fn the_guardrails_refuse_or_ask_a_manager_and_the_views_show_the_work(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let p = practice(&db.url_string()).await;
    let careful = Careful::serve(&db.url_string());
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &p.sam_password).await.status, 303);
    let mia = p.mia.to_string();
    let path = format!("/children/{mia}/record/placement-change");

    // Before anything is typed, the form says what the law needs first.
    let form = sam.get(&path).await;
    assert!(form.body.contains("Before you record this, the law needs more"), "{}", form.body);
    assert!(form.body.contains("is a significant change to the care plan"), "{}", form.body);
    let (d, m, y) = day(p.today);
    let answers = |kind: &str, notice: &str| -> Vec<(String, String)> {
        vec![
            ("date-day".into(), d.clone()),
            ("date-month".into(), m.clone()),
            ("date-year".into(), y.clone()),
            ("_same_carer".into(), "no".into()),
            ("placement.type".into(), kind.into()),
            ("placement.provider".into(), if kind == "K3" { String::new() } else { "PR1".into() }),
            ("reason".into(), "CARPL".into()),
            ("notice.notice".into(), notice.into()),
            ("notice.reason".into(), "The carer was taken into hospital".into()),
            ("notice.ground".into(), "risk_to_child".into()),
            ("notice.authorised_by".into(), p.tess_worker.to_string()),
        ]
    };
    // Refused outright: a 12 year old in supported accommodation.
    let page = send(&sam, &path, &form, &sequence(&form), &answers("K3", "emergency")).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("The law forbids this") && page.body.contains("a child under 16 cannot be placed"));
    // A move with no notice to the carer needs a manager; a social worker cannot accept it.
    let page = send(&sam, &path, &form, &sequence(&form), &answers("U6", "")).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("This needs a manager's agreement"), "{}", page.body);
    assert!(!page.body.contains("name=\"_accept\""));

    // The team manager accepts it, with a reason; the chronology keeps the override.
    let tess = manager_session(&careful.base_url, &p).await;
    let form = tess.get(&path).await;
    let mut accepted = answers("U6", "");
    accepted.push(("_accept".into(), "yes".into()));
    let page = send(&tess, &path, &form, &sequence(&form), &accepted).await;
    assert!(
        page.body.contains("Say why you accept what the guardrails found"),
        "{} {:?} {}",
        page.status,
        page.location,
        page.body
    );
    let seq = sequence(&form);
    let shown = send(&tess, &path, &form, &seq, &answers("U6", "")).await;
    assert!(shown.body.contains("name=\"_accept\""), "a manager is offered the override: {}", shown.body);
    accepted.push(("_note".into(), "The carer could not be reached before the move".into()));
    let page = send(&tess, &path, &form, &seq, &accepted).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let chronology = tess.get(&format!("/children/{mia}/chronology")).await;
    assert!(chronology.body.contains("Manager's override"), "{}", chronology.body);
    assert!(
        chronology.body.contains("Tess Manager accepted the guardrails&#39; findings: pl-terminate, rev-before-change"),
        "{}",
        chronology.body
    );

    // The team view: Sam's caseload, and Mia's overdue duties counted against Sam.
    let team = tess.get("/team").await;
    assert_eq!(team.status, 200, "{}", team.body);
    let sam_row = &team.body[team.body.find("Sam Social").unwrap()..];
    assert!(sam_row.contains("govuk-table__cell--numeric\">1</td>"), "{}", team.body);

    // Sam proposes a change to the care plan; the IRO sees it awaiting them, raises a concern
    // and escalates it; the IRO view shows the stage.
    let form = sam.get(&format!("/children/{mia}/record/care-plan-change")).await;
    let page = send(
        &sam,
        &format!("/children/{mia}/record/care-plan-change"),
        &form,
        &sequence(&form),
        &[
            ("date-day".into(), d.clone()),
            ("date-month".into(), m.clone()),
            ("date-year".into(), y.clone()),
            ("change".into(), "Move to long-term foster carers".into()),
            ("proposes".into(), "placement".into()),
            ("significant".into(), "yes".into()),
        ],
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let ida = Session::new(&careful.base_url);
    assert_eq!(ida.sign_in("ida.reviewer", &p.ida_password).await.status, 303);
    let view = ida.get("/iro").await;
    assert_eq!(view.status, 200);
    assert!(view.body.contains("Mia Smith") && view.body.contains("Move to long-term foster carers"), "{}", view.body);
    assert!(view.body.contains("Overdue"), "the first review is overdue: {}", view.body);
    for (form, fields) in [
        ("iro-concern", vec![("concern", "No plan for permanence after 60 days")]),
        ("iro-escalate", vec![("stage", "service_manager")]),
    ] {
        let path = format!("/children/{mia}/record/{form}");
        let page = ida.get(&path).await;
        let mut answers: Vec<(String, String)> =
            vec![("date-day".into(), d.clone()), ("date-month".into(), m.clone()), ("date-year".into(), y.clone())];
        answers.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let sent = send(&ida, &path, &page, &sequence(&page), &answers).await;
        assert_eq!(sent.status, 303, "{form}: {}", sent.body);
    }
    let view = ida.get("/iro").await;
    assert!(view.body.contains("service manager</strong> since"), "{}", view.body);
    // Escalating back down is refused, beside the question.
    let path = format!("/children/{mia}/record/iro-escalate");
    let page = ida.get(&path).await;
    let back = send(
        &ida,
        &path,
        &page,
        &sequence(&page),
        &[
            ("date-day".into(), d.clone()),
            ("date-month".into(), m.clone()),
            ("date-year".into(), y.clone()),
            ("stage".into(), "team_manager".into()),
        ],
    )
    .await;
    assert_eq!(back.status, 422);
    assert!(back.body.contains("href=\"#stage\">The concern has been with the service manager since"), "{}", back.body);
    // Only an IRO has an IRO view.
    assert_eq!(sam.get("/iro").await.status, 403);
    // The child's page shows the concern among what needs attention.
    let child = sam.get(&format!("/children/{mia}")).await;
    assert!(child.body.contains("The IRO has raised a concern, with the service manager"), "{}", child.body);
}
