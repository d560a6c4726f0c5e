//! Who runs a command: commands that read, export, import or change children's data run as a
//! named careful account, authorised and audited like the web.
//!
//! `--as USERNAME` asks for the account's password (and, for managers and administrators, the
//! code from their authenticator app) at the terminal, or reads them from standard input with
//! `--password-stdin` (the password on the first line, the code on the second). Without `--as`,
//! the personal access token in `CAREFUL_TOKEN` is used.

use std::io::{BufRead, IsTerminal};

use clap::Args;

use careful_app::{App, AppError, Client, SignInFailure, UserHandle};

use crate::failure::Failure;

#[derive(Args, Clone, Default)]
pub struct SignInArgs {
    /// The careful account to act as: careful asks for its password (and, for managers and
    /// administrators, the code from their authenticator app). Without --as, the personal
    /// access token in CAREFUL_TOKEN is used.
    #[arg(long = "as", value_name = "USERNAME")]
    pub user: Option<String>,
    /// Read the password from standard input (and, for accounts that need one, the
    /// authenticator code from the next line) instead of asking at the terminal.
    #[arg(long, requires = "user")]
    pub password_stdin: bool,
}

/// Reads the lines a `--password-stdin` run was given.
fn stdin_lines() -> Vec<String> {
    std::io::stdin().lock().lines().map_while(Result::ok).take(2).collect()
}

/// Signs in as the command asks, and returns the use cases open to that account.
pub async fn sign_in(app: &App, args: &SignInArgs) -> Result<UserHandle, Failure> {
    let client = Client::command_line();
    let principal = match &args.user {
        Some(user) => {
            let (password, code) = if args.password_stdin {
                let mut lines = stdin_lines().into_iter();
                (lines.next().unwrap_or_default(), lines.next())
            } else if std::io::stdin().is_terminal() {
                let password = rpassword::prompt_password(format!("Password for {user}: "))
                    .map_err(|e| Failure::new(format!("cannot read the password: {e}")))?;
                (password, None)
            } else {
                return Err(Failure::new(
                    "careful needs the account's password: run it at a terminal, or give --password-stdin",
                ));
            };
            let interactive = !args.password_stdin;
            let ask = move || {
                code.or_else(|| {
                    interactive.then(|| rpassword::prompt_password("Code from your authenticator app: ").ok()).flatten()
                })
            };
            app.principal_from_password(user, &password, ask, &client).await.map_err(explain)?
        }
        None => match std::env::var("CAREFUL_TOKEN") {
            Ok(token) if !token.trim().is_empty() => {
                app.principal_from_token(&token, &client).await.map_err(explain)?
            }
            _ => {
                return Err(Failure::new(
                    "say who is running this: --as USERNAME (careful asks for the password), or set CAREFUL_TOKEN to a personal access token (made on the Your account page, or with careful token create)",
                ));
            }
        },
    };
    Ok(app.user(principal, client))
}

fn explain(error: AppError) -> Failure {
    match error {
        AppError::SignIn(SignInFailure::WrongCredentials) => Failure::new("the username or password is not right"),
        other => other.into(),
    }
}
