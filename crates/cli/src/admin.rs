//! `careful admin`, `careful token`, `careful audit`: accounts, the organisation, personal
//! access tokens and the audit log, from the command line.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use careful_app::admin::AccountForm;
use careful_app::{AccountId, App, Client, Role, Settings, SystemClock, UserHandle};
use careful_domain::organisation::WorkerRole;
use careful_domain::{TeamId, WorkerId};

use crate::failure::Failure;
use crate::output::say;
use crate::signin::{SignInArgs, sign_in};

#[derive(Args)]
pub struct DatabaseArg {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database: String,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Make the first administrator of a new careful, with a one-day personal access token for
    /// setting up the rest from the command line.
    ///
    /// Only while the database has no accounts but synthetic ones. The password is asked for
    /// twice at the terminal, or read from standard input with --password-stdin.
    Bootstrap {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long, value_name = "USERNAME")]
        username: String,
        /// The administrator's name, as pages show it.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Read the password from standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    Users(Common),
    /// Add an account. careful makes its first password and prints it once.
    AddUser {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "USERNAME")]
        username: String,
        #[arg(long, value_name = "NAME")]
        name: String,
        /// front_door, social_worker, team_manager, service_manager, iro, personal_adviser,
        /// complaints_officer, performance_analyst, scrutiny or administrator.
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// For a service manager: the service they oversee (front_door, assessment,
        /// child_in_need_and_protection, looked_after, leaving_care, disabilities,
        /// independent_reviewing, fostering_and_adoption).
        #[arg(long, value_name = "SERVICE", default_value = "")]
        service: String,
        /// The worker the account belongs to (practitioners), by worker ID.
        #[arg(long, value_name = "ID", default_value = "")]
        worker: String,
    },
    /// Give an account a new role (the role history keeps the old one).
    SetRole {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "USERNAME")]
        username: String,
        #[arg(long, value_name = "ROLE")]
        role: String,
        #[arg(long, value_name = "SERVICE", default_value = "")]
        service: String,
        /// Why the role is changing.
        #[arg(long)]
        reason: String,
    },
    /// Link an account to a worker (or unlink it with --worker "").
    LinkWorker {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "USERNAME")]
        username: String,
        #[arg(long, value_name = "ID")]
        worker: String,
    },
    /// Unlock an account locked after failed sign-ins.
    Unlock(AccountArgs),
    /// Disable an account: it can no longer sign in, and its sessions and tokens end.
    Disable {
        #[command(flatten)]
        account: AccountArgs,
        #[arg(long)]
        reason: String,
    },
    /// Enable a disabled account.
    Enable(AccountArgs),
    /// Forget an account's authenticator app; it sets up a new one at its next sign-in.
    ResetTwoFactor(AccountArgs),
    /// Set a new password for an account (printed once) and end its sessions.
    ResetPassword(AccountArgs),
    /// End every session of an account.
    EndSessions(AccountArgs),
    /// List the teams and workers, with their IDs.
    Organisation(Common),
    /// Add a team.
    AddTeam {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        name: String,
        /// The team's service (see add-user --service).
        #[arg(long)]
        service: String,
    },
    /// Add a worker to a team.
    AddWorker {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        name: String,
        /// social_worker, team_manager, independent_reviewing_officer, personal_adviser or
        /// front_door_worker.
        #[arg(long)]
        role: String,
        #[arg(long, value_name = "ID")]
        team: TeamId,
        /// Employed through an agency.
        #[arg(long)]
        agency: bool,
        /// Social Work England registration number (the 903's SW_ID).
        #[arg(long)]
        registration: Option<String>,
    },
    /// Record the day a worker left.
    WorkerLeft {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        worker: WorkerId,
        #[arg(long, value_name = "DATE")]
        on: NaiveDate,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Rename a team.
    RenameTeam {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        team: TeamId,
        #[arg(long)]
        name: String,
    },
    /// Print the council's retention periods as JSON, or set them from a file (see careful
    /// retention).
    RetentionPeriods {
        #[command(flatten)]
        common: Common,
        /// A JSON file of retention periods (as printed without --set).
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Print the council's practice standards as JSON, or set them from a file (every child's
    /// duties are then worked out again).
    Standards {
        #[command(flatten)]
        common: Common,
        /// A JSON file of practice standards (as printed without --set).
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

/// The database and who is running the command.
#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    pub db: DatabaseArg,
    #[command(flatten)]
    pub signin: SignInArgs,
}

#[derive(Args)]
pub struct AccountArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, value_name = "USERNAME")]
    username: String,
}

async fn open(db: &DatabaseArg) -> Result<App, Failure> {
    Ok(App::open(&db.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?)
}

pub async fn handle(common: &Common) -> Result<(App, UserHandle), Failure> {
    let app = open(&common.db).await?;
    let handle = sign_in(&app, &common.signin).await?;
    Ok((app, handle))
}

async fn account_id(handle: &UserHandle, username: &str) -> Result<AccountId, Failure> {
    Ok(handle.account_by_username(username).await?.id)
}

fn read_new_password(from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        return Ok(std::io::stdin().lock().lines().next().and_then(Result::ok).unwrap_or_default());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new("careful needs a password: run it at a terminal, or give --password-stdin"));
    }
    let first =
        rpassword::prompt_password("New administrator's password: ").map_err(|e| Failure::new(e.to_string()))?;
    let second = rpassword::prompt_password("The same password again: ").map_err(|e| Failure::new(e.to_string()))?;
    if first != second {
        return Err(Failure::new("the two passwords are not the same; nothing was changed"));
    }
    Ok(first)
}

pub async fn run(command: AdminCommand) -> Result<(), Failure> {
    match command {
        AdminCommand::Bootstrap { db, username, name, password_stdin } => {
            let password = read_new_password(password_stdin)?;
            let app = open(&db).await?;
            let token = app.bootstrap_administrator(&username, &name, &password, &Client::command_line()).await?;
            say!("Made {} the first administrator of this careful.", username.trim().to_lowercase());
            say!("A personal access token with the admin scope, valid for one day (shown once):");
            say!("{token}");
            say!(
                "Use it as CAREFUL_TOKEN to add accounts from the command line, or sign in to careful in a browser (an administrator sets up an authenticator app at the first sign-in)."
            );
        }
        AdminCommand::Users(common) => {
            let (_, handle) = handle(&common).await?;
            say!("{:<28} {:<36} {:<32} {}", "Username", "Name", "Role", "State");
            for a in handle.accounts().await? {
                let state = if a.disabled {
                    "disabled".to_string()
                } else if let Some(until) = a.locked_until {
                    format!("locked until {until}")
                } else if a.synthetic {
                    "synthetic".into()
                } else {
                    "active".into()
                };
                say!("{:<28} {:<36} {:<32} {state}", a.username, a.display_name, a.role.describe());
            }
        }
        AdminCommand::AddUser { common, username, name, role, service, worker } => {
            let (_, handle) = handle(&common).await?;
            let form = AccountForm {
                username: username.clone(),
                display_name: name,
                role,
                service,
                worker,
                password: String::new(),
            };
            let (id, password) = handle.create_account(&form).await?;
            say!("Made the account {} ({id}).", username.trim().to_lowercase());
            if let Some(password) = password {
                say!("Its first password (shown once; they change it on Your account):");
                say!("{password}");
            }
        }
        AdminCommand::SetRole { common, username, role, service, reason } => {
            let (_, handle) = handle(&common).await?;
            let id = account_id(&handle, &username).await?;
            handle.set_role(id, &role, &service, &reason).await?;
            say!(
                "{username} is now {}; their sessions have ended.",
                Role::parse(&role).map_or(role.clone(), |r| r.describe().to_string())
            );
        }
        AdminCommand::LinkWorker { common, username, worker } => {
            let (_, handle) = handle(&common).await?;
            let id = account_id(&handle, &username).await?;
            handle.link_worker(id, &worker).await?;
            say!("Linked {username} to worker {worker}.");
        }
        AdminCommand::Unlock(a) => {
            let (_, handle) = handle(&a.common).await?;
            handle.unlock(account_id(&handle, &a.username).await?).await?;
            say!("Unlocked {}.", a.username);
        }
        AdminCommand::Disable { account, reason } => {
            let (_, handle) = handle(&account.common).await?;
            handle.disable(account_id(&handle, &account.username).await?, &reason).await?;
            say!("Disabled {}; their sessions and tokens have ended.", account.username);
        }
        AdminCommand::Enable(a) => {
            let (_, handle) = handle(&a.common).await?;
            handle.enable(account_id(&handle, &a.username).await?).await?;
            say!("Enabled {}.", a.username);
        }
        AdminCommand::ResetTwoFactor(a) => {
            let (_, handle) = handle(&a.common).await?;
            handle.reset_second_factor(account_id(&handle, &a.username).await?).await?;
            say!("Reset {}'s second factor: they set up an authenticator app at their next sign-in.", a.username);
        }
        AdminCommand::ResetPassword(a) => {
            let (_, handle) = handle(&a.common).await?;
            let made = handle.reset_password(account_id(&handle, &a.username).await?, "").await?;
            say!("A new password for {} (shown once):", a.username);
            say!("{}", made.unwrap_or_default());
        }
        AdminCommand::EndSessions(a) => {
            let (_, handle) = handle(&a.common).await?;
            handle.end_sessions(account_id(&handle, &a.username).await?).await?;
            say!("Ended every session of {}.", a.username);
        }
        AdminCommand::Organisation(common) => {
            let (_, handle) = handle(&common).await?;
            let (teams, workers) = handle.organisation_list().await?;
            for t in &teams {
                say!("Team {}  {}  ({})", t.id, t.name, careful_app::admin::service_words(t.service));
                for w in workers.iter().filter(|w| w.team == t.id) {
                    let left = w.left.map(|l| format!(", left {l}")).unwrap_or_default();
                    say!("  Worker {}  {}  ({}{left})", w.id, w.name, w.role.describe());
                }
            }
        }
        AdminCommand::AddTeam { common, name, service } => {
            let (_, handle) = handle(&common).await?;
            let id = handle.add_team(&name, &service).await?;
            say!("Added the team {name} ({id}).");
        }
        AdminCommand::AddWorker { common, name, role, team, agency, registration } => {
            let (_, handle) = handle(&common).await?;
            let role = WorkerRole::parse(role.trim()).ok_or_else(|| {
                Failure::new("--role must be social_worker, team_manager, independent_reviewing_officer, personal_adviser or front_door_worker")
            })?;
            let id = handle.add_worker(&name, role, team, agency, registration.as_deref(), None).await?;
            say!("Added the worker {name} ({id}).");
        }
        AdminCommand::WorkerLeft { common, worker, on, reason } => {
            let (_, handle) = handle(&common).await?;
            handle.worker_left(worker, on, &reason).await?;
            say!("Recorded that worker {worker} left on {on}.");
        }
        AdminCommand::RenameTeam { common, team, name } => {
            let (_, handle) = handle(&common).await?;
            handle.rename_team(team, &name).await?;
            say!("Renamed team {team} to {name}.");
        }
        AdminCommand::RetentionPeriods { common, set, reason } => {
            let (_, handle) = handle(&common).await?;
            match set {
                None => {
                    let policy = handle.retention_policy().await?;
                    say!("{}", serde_json::to_string_pretty(&policy).map_err(|e| Failure::new(e.to_string()))?);
                }
                Some(file) => {
                    let json = std::fs::read_to_string(&file)
                        .map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
                    let policy: careful_app::retention::RetentionPolicy = serde_json::from_str(&json).map_err(|e| {
                        Failure::new(format!("{} is not a set of retention periods: {e}", file.display()))
                    })?;
                    handle.set_retention_policy(&policy, &reason).await?;
                    say!("Set the retention periods.");
                }
            }
        }
        AdminCommand::Standards { common, set, reason } => {
            let (_, handle) = handle(&common).await?;
            match set {
                None => say!("{}", handle.standards().await?),
                Some(file) => {
                    let json = std::fs::read_to_string(&file)
                        .map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
                    let children = handle.set_standards(&json, &reason).await?;
                    say!("Set the practice standards; worked out the duties of {children} children again.");
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a personal access token for the signed-in account (printed once).
    Create {
        #[command(flatten)]
        common: Common,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// What it may be used for, comma-separated: read, record, returns, admin.
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        /// How many days it lasts (at most 365).
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// List the signed-in account's tokens.
    List(Common),
    /// Revoke one of the signed-in account's tokens.
    Revoke {
        #[command(flatten)]
        common: Common,
        #[arg(value_name = "TOKEN_ID")]
        id: uuid::Uuid,
    },
}

pub async fn token(command: TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Create { common, name, scopes, days } => {
            let (_, handle) = handle(&common).await?;
            let token = handle.create_token(&name, &scopes, &days.to_string()).await?;
            say!("{token}");
        }
        TokenCommand::List(common) => {
            let (_, handle) = handle(&common).await?;
            let (_, _, _, tokens) = handle.my_account().await?;
            for t in tokens {
                let state = if t.revoked.is_some() { "revoked".to_string() } else { format!("expires {}", t.expires) };
                say!("{}  {:<30} {:<28} {state}", t.id, t.name, t.scopes.join(","));
            }
        }
        TokenCommand::Revoke { common, id } => {
            let (_, handle) = handle(&common).await?;
            handle.revoke_token(id).await?;
            say!("Revoked token {id}.");
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain: every entry in order, none changed, removed or
    /// reordered. Exit status 0 intact, 1 broken.
    Verify(Common),
    /// List audit entries, newest first.
    List {
        #[command(flatten)]
        common: Common,
        /// Only entries about this child (careful's child ID).
        #[arg(long, value_name = "ID")]
        child: Option<careful_domain::ChildId>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub async fn audit(command: AuditCommand) -> Result<(), Failure> {
    match command {
        AuditCommand::Verify(common) => {
            let (_, handle) = handle(&common).await?;
            let v = handle.verify_audit().await?;
            if v.is_intact() {
                say!("The audit chain is intact: {} entries, each following the one before.", v.entries);
                say!("Head: entry {} with hash {}", v.head_seq, v.head_hash);
                say!("Keep the head somewhere careful does not hold; a later check should reach it unchanged.");
                Ok(())
            } else {
                say!("The audit chain is BROKEN: {} problem(s) in {} entries.", v.problems.len(), v.entries);
                for p in &v.problems {
                    say!("  entry {}: {}", p.seq, p.what);
                }
                Err(Failure::new("the audit log has been tampered with or damaged"))
            }
        }
        AuditCommand::List { common, child, limit } => {
            let (_, handle) = handle(&common).await?;
            for e in handle.audit_log(child, None, None, limit).await? {
                say!(
                    "{:>8}  {}  {:<24} {:<22} {:<8} {}{}",
                    e.seq,
                    e.at.format("%Y-%m-%dT%H:%M:%SZ"),
                    e.actor,
                    e.action,
                    e.outcome,
                    e.detail,
                    e.reason.map(|r| format!(" [reason: {r}]")).unwrap_or_default()
                );
            }
            Ok(())
        }
    }
}
