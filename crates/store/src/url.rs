use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::StoreError;

/// The two database engines careful runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A database URL: `sqlite://PATH` (or `sqlite:PATH`, `sqlite::memory:`) or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`. Its `Display` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    engine: Engine,
}

impl DatabaseUrl {
    /// The URL of an SQLite database file.
    pub fn sqlite_file(path: &Path) -> DatabaseUrl {
        DatabaseUrl { raw: format!("sqlite://{}", path.display()), engine: Engine::Sqlite }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The URL including any password: only for handing to a driver or a child process, never
    /// for messages or logs (use `Display`).
    pub fn expose_secret(&self) -> &str {
        &self.raw
    }

    /// The same server with another database name (PostgreSQL), keeping any query parameters.
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let Some((scheme, rest)) = self.raw.split_once("://") else {
            return self.clone();
        };
        let (before_query, query) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let authority = before_query.split('/').next().unwrap_or(before_query);
        let mut raw = format!("{scheme}://{authority}/{name}");
        if let Some(query) = query {
            raw.push('?');
            raw.push_str(query);
        }
        DatabaseUrl { raw, engine: self.engine }
    }

    /// The URL with any password replaced by `***`, safe for logs and messages.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.raw.split_once("://") else {
            return self.raw.clone();
        };
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
                None => self.raw.clone(),
            },
            None => self.raw.clone(),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let raw = s.trim().to_string();
        let engine = if raw.starts_with("sqlite:") {
            Engine::Sqlite
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(StoreError::InvalidUrl {
                url: DatabaseUrl { raw: raw.clone(), engine: Engine::Sqlite }.redacted(),
            });
        };
        if raw == "sqlite:" || raw == "sqlite://" {
            return Err(StoreError::InvalidUrl { url: raw });
        }
        Ok(DatabaseUrl { raw, engine })
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_both_engines() {
        assert_eq!("sqlite://careful.db".parse::<DatabaseUrl>().unwrap().engine(), Engine::Sqlite);
        assert_eq!("sqlite::memory:".parse::<DatabaseUrl>().unwrap().engine(), Engine::Sqlite);
        assert_eq!("postgres://u@h/db".parse::<DatabaseUrl>().unwrap().engine(), Engine::Postgres);
        assert_eq!("postgresql://u@h/db".parse::<DatabaseUrl>().unwrap().engine(), Engine::Postgres);
    }

    #[test]
    fn refuses_other_urls_with_the_accepted_forms() {
        for bad in ["mysql://x", "careful.db", "", "sqlite:"] {
            let err = bad.parse::<DatabaseUrl>().unwrap_err().to_string();
            assert!(err.contains("sqlite://"), "{err}");
            assert!(err.contains("postgres://"), "{err}");
        }
    }

    #[test]
    fn another_database_on_the_same_server() {
        let url: DatabaseUrl = "postgres://u:p@h:5432/postgres?sslmode=disable".parse().unwrap();
        assert_eq!(url.with_database("careful_x").expose_secret(), "postgres://u:p@h:5432/careful_x?sslmode=disable");
        let url: DatabaseUrl = "postgres://u@h".parse().unwrap();
        assert_eq!(url.with_database("d").expose_secret(), "postgres://u@h/d");
    }

    #[test]
    fn hides_passwords() {
        let url: DatabaseUrl = "postgres://careful:s3cret@db.example:5432/careful?sslmode=require".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://careful:***@db.example:5432/careful?sslmode=require");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url: DatabaseUrl = "postgres://careful@db/careful".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://careful@db/careful");
        let url: DatabaseUrl = "postgres://u:p@ss@h/db".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://u:***@h/db");
    }
}
