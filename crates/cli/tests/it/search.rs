//! Searching for children and the people in their lives, and starting a new child's record
//! only after careful has shown the children it may already hold: through the real server and
//! the real binary, on both engines.

use chrono::NaiveDate;

use careful_app::UserHandle;
use careful_app::record::Proposed;
use careful_domain::codes::*;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::*;
use careful_domain::{CarerId, ChildId, EventId, PersonId, Reason};

use crate::on_both_engines;
use crate::support::accounts::{Accounts, signed_in};
use crate::support::process::{Careful, run_as, text};
use crate::support::web::{Page, Session};
use crate::support::{Engine, TestDb};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const OLIVIA_UPN: &str = "B823100123456";
const OLIVIA_NHS: &str = "9434765919";

/// A valid UPN for the restricted child, with its check letter worked out.
fn hidden_upn() -> String {
    careful_domain::identifiers::Upn::with_check_letter("823100123459").unwrap().to_string()
}

fn details(given: &str, family: &str, born: &str) -> PersonalDetails {
    PersonalDetails {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: Some(d(born)),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    }
}

/// A council with a team (a social worker and their manager), a front door worker, a
/// performance analyst, and four children allocated to the social worker.
struct Council {
    accounts: Accounts,
    url: String,
    sw_password: String,
    fd_password: String,
    olivia: ChildId,
    noah: ChildId,
    hidden: ChildId,
}

async fn council(url: &str) -> Council {
    let accounts = Accounts::new(url).await;
    let admin = accounts.admin();
    let team = admin.add_team("Looked after team", "looked_after").await.unwrap();
    let front = admin.add_team("Front door", "front_door").await.unwrap();
    let worker = admin.add_worker("Sam Social", WorkerRole::SocialWorker, team, false, None, None).await.unwrap();
    let manager = admin.add_worker("Tess Manager", WorkerRole::TeamManager, team, false, None, None).await.unwrap();
    let fd_worker =
        admin.add_worker("Fola Front", WorkerRole::FrontDoorWorker, front, false, None, None).await.unwrap();
    let sw_password = accounts.add("sam.social", "social_worker", Some(worker), "").await;
    let tm_password = accounts.add("tess.manager", "team_manager", Some(manager), "").await;
    let fd_password = accounts.add("fola.front", "front_door", Some(fd_worker), "").await;
    let sam = signed_in(&accounts.app, "sam.social", &sw_password).await;
    let day = d("2026-11-02");
    let start = |details: PersonalDetails, la: &str| {
        vec![
            Proposed::new(ChildEvent::ChildRegistered { la_child_id: la.parse().unwrap(), details }, day),
            Proposed::new(
                ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
                day,
            ),
            Proposed::new(ChildEvent::WorkerAllocated { worker, team, reason: None }, day),
        ]
    };
    // Olivia Smith: UPN, NHS number, a home in EM1 4QT and her mother recorded.
    let mut olivia = details("Olivia", "Smith", "2015-06-01");
    olivia.upn = Some(OLIVIA_UPN.parse().unwrap());
    olivia.upn_unknown = None;
    olivia.nhs_number = Some(OLIVIA_NHS.parse().unwrap());
    let mut events = start(olivia, "SR000001");
    events.push(Proposed::new(
        ChildEvent::AddressChanged {
            address: Address {
                street: "1 Mill Road".into(),
                town: "Eastmoor".into(),
                postcode: "EM1 4QT".parse().unwrap(),
            },
        },
        day,
    ));
    events.push(Proposed::new(
        ChildEvent::PersonRecorded {
            person: RelatedPerson {
                person: PersonId::from_random_bytes([3; 16]),
                name: "Janet Smith".into(),
                relationship: Relationship::Mother,
                parental_responsibility: true,
                date_of_birth: Some(d("1990-02-03")),
            },
        },
        day,
    ));
    let (olivia, _) = sam.register_child(events).await.unwrap();
    // Noah Johnson: looked after, placed in EM2 5AB.
    let mut events = start(details("Noah", "Johnson", "2012-03-04"), "SR000002");
    events.push(Proposed::new(
        ChildEvent::BecameLookedAfter {
            legal_status: LegalStatus::Section20SinglePeriod,
            placement: Placement {
                placement_type: PlacementType::FosterOtherOther,
                provider: Some(PlacementProvider::OwnProvision),
                postcode: Some("EM2 5AB".parse().unwrap()),
                urn: None,
                carer: CarerId::from_random_bytes([7; 16]),
            },
            category_of_need: Need::AbuseOrNeglect,
            home_postcode: None,
            previous_permanence: None,
        },
        day,
    ));
    let (noah, _) = sam.register_child(events).await.unwrap();
    sam.register_child(start(details("Amelia", "Smithson", "2016-01-01"), "SR000003")).await.unwrap();
    // Isabella Hartley's record is restricted, naming only the social worker (and the manager).
    let mut hidden = details("Isabella", "Hartley", "2014-07-07");
    hidden.upn = Some(hidden_upn().parse().unwrap());
    hidden.upn_unknown = None;
    let (hidden, _) = sam.register_child(start(hidden, "SR000004")).await.unwrap();
    let tess = signed_in(&accounts.app, "tess.manager", &tm_password).await;
    tess.restrict(hidden, "adoption", "placed for adoption: keep the record confidential", &["sam.social".into()])
        .await
        .unwrap();
    Council { accounts, url: url.to_string(), sw_password, fd_password, olivia, noah, hidden }
}

/// The rows of the results table, as the text a sighted reader sees (no tags, nothing visually
/// hidden).
fn results(page: &Page) -> Vec<String> {
    let Some(start) = page.body.find("id=\"search-results\"") else { return Vec::new() };
    let mut table =
        page.body[start..page.body[start..].find("</table>").map_or(page.body.len(), |e| start + e)].to_string();
    const HIDDEN: &str = "<span class=\"govuk-visually-hidden\">";
    while let Some(at) = table.find(HIDDEN) {
        let end = table[at..].find("</span>").map_or(table.len(), |e| at + e + "</span>".len());
        table.replace_range(at..end, "");
    }
    table
        .split("<tr class=\"govuk-table__row\">")
        .skip(2)
        .map(|row| {
            let mut out = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        out.push(' ');
                    }
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

on_both_engines!(searching_finds_children_by_any_detail_and_misspelt_names);

async fn searching_finds_children_by_any_detail_and_misspelt_names(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db.url_string()).await;
    let careful = Careful::serve(&c.url);
    let fola = Session::new(&careful.base_url);
    assert_eq!(fola.sign_in("fola.front", &c.fd_password).await.status, 303);
    // The navigation offers the search.
    let home = fola.get("/caseload").await;
    assert!(home.body.contains("href=\"/search\""), "{}", home.body);
    let empty = fola.get("/search").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("Search for a child") && !empty.body.contains("id=\"results\""));

    // A misspelt surname finds the child, sounding alike.
    let page = fola.get("/search?name=Smyth").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let rows = results(&page);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].starts_with("Olivia Smith 1 June 2015 SR000001"), "{rows:?}");
    assert!(rows[1].ends_with("Open Name sounds the same"), "{rows:?}");
    assert!(page.body.contains(&format!("href=\"/children/{}\"", c.olivia)));
    // So is her mother, on her record (the same points: first in given name order).
    assert!(rows[0].starts_with("Janet Smith Mother of Olivia Smith 3 February 1990 SR000001"), "{rows:?}");
    let page = fola.get("/search?name=Jonson").await;
    let rows = results(&page);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("Noah Johnson 4 March 2012 SR000002 Looked after"), "{rows:?}");

    // Exact before partial before sounding alike; ties in name order.
    let rows = results(&fola.get("/search?name=smith").await);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].starts_with("Janet Smith") && rows[0].ends_with("Same name"), "{rows:?}");
    assert!(rows[1].starts_with("Olivia Smith") && rows[1].ends_with("Same name"), "{rows:?}");
    assert!(rows[2].starts_with("Amelia Smithson") && rows[2].ends_with("Name begins with what was typed"), "{rows:?}");
    // A partial name.
    let rows = results(&fola.get("/search?name=Ame+Smi").await);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("Amelia Smithson") && rows[0].contains("Family name: begins with what was typed"));
    // A matching date of birth raises a result.
    let rows = results(&fola.get("/search?name=Smith&day=1&month=1&year=2016").await);
    assert!(rows[0].starts_with("Amelia Smithson") && rows[0].contains("Same date of birth"), "{rows:?}");
    // Date of birth alone, UPN, NHS number, the home's postcode, the placement's postcode.
    for (query, who) in [
        ("day=04&month=03&year=2012", "Noah Johnson"),
        (&format!("upn={}", OLIVIA_UPN.to_lowercase()) as &str, "Olivia Smith"),
        ("nhs_number=943+476+5919", "Olivia Smith"),
        ("postcode=em14qt", "Olivia Smith"),
        ("postcode=EM2+5AB", "Noah Johnson"),
    ] {
        let page = fola.get(&format!("/search?{query}")).await;
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        let rows = results(&page);
        assert_eq!(rows.len(), 1, "{query}: {rows:?}");
        assert!(rows[0].starts_with(who), "{query}: {rows:?}");
    }
    // Nothing found says so.
    let none = fola.get("/search?name=Zebedee").await;
    assert!(none.body.contains("No child or person in careful matches name \u{201c}Zebedee\u{201d}"), "{}", none.body);
    assert!(none.body.contains("href=\"/children/new\""), "the front door may start a record");

    // The command line, as a front door worker with a personal access token.
    let token = c.accounts.token("cli.front", "front_door", None, "", &["read"]).await;
    let out = run_as(&token, &["search", "--database", &c.url, "--name", "Jonson", "--date-of-birth", "2012-03-04"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("Noah Johnson") && said.contains("SR000002") && said.contains("Same date of birth"),
        "{said}"
    );
    assert!(said.contains("1 match for name \u{201c}Jonson\u{201d}, date of birth 4 March 2012"), "{said}");
    let out = run_as(&token, &["search", "--database", &c.url, "--nhs-number", "943 476 5919"]);
    assert!(text(&out.stdout).contains("Olivia Smith"), "{}", text(&out.stdout));
}

on_both_engines!(a_restricted_record_is_never_found_by_those_not_named_on_it);

async fn a_restricted_record_is_never_found_by_those_not_named_on_it(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db.url_string()).await;
    let careful = Careful::serve(&c.url);
    let fola = Session::new(&careful.base_url);
    assert_eq!(fola.sign_in("fola.front", &c.fd_password).await.status, 303);
    for query in [
        "name=Hartley".to_string(),
        "name=Isabella+Hartley&day=7&month=7&year=2014".into(),
        format!("upn={}", hidden_upn()),
        "day=7&month=7&year=2014".into(),
    ] {
        let page = fola.get(&format!("/search?{query}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("No child or person in careful matches"), "{query}: {}", page.body);
        assert!(!page.body.contains(&c.hidden.to_string()) && !page.body.contains("SR000004"), "{query}");
        if !query.contains("name=") {
            assert!(!page.body.contains("Hartley") && !page.body.contains("Isabella"), "{query}: {}", page.body);
        }
    }
    // The social worker named on the restriction finds it.
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &c.sw_password).await.status, 303);
    let rows = results(&sam.get("/search?name=Hartley").await);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("Isabella Hartley 7 July 2014 SR000004"), "{rows:?}");
    // Nor does the front door's duplicate check reveal it.
    let form = fola.get("/children/new").await;
    let check = fola
        .post(
            "/children/new",
            &form,
            &[
                ("step", "check"),
                ("given_name", "Isabella"),
                ("family_name", "Hartley"),
                ("day", "7"),
                ("month", "7"),
                ("year", "2014"),
                ("sex", "F"),
                ("ethnicity", "WBRI"),
                ("source", "1A"),
                ("upn", &hidden_upn()),
            ],
        )
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("id=\"no-duplicates\"") && !check.body.contains("SR000004"), "{}", check.body);
}

on_both_engines!(a_corrected_name_is_searched_for_by_its_correction);

async fn a_corrected_name_is_searched_for_by_its_correction(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db.url_string()).await;
    let sam: UserHandle = signed_in(&c.accounts.app, "sam.social", &c.sw_password).await;
    let (record, sequence) = sam.load_record(c.noah).await.unwrap();
    let registration: EventId = record.timeline[0].id;
    let ChildEvent::ChildRegistered { la_child_id, details } = record.timeline[0].event.clone() else {
        panic!("the record begins with the registration")
    };
    let corrected = PersonalDetails { family_name: "Robinson".into(), ..details };
    sam.record(
        c.noah,
        sequence,
        vec![
            Proposed::new(
                ChildEvent::EventCorrected {
                    corrects: registration,
                    replacement: Some(Box::new(ChildEvent::ChildRegistered { la_child_id, details: corrected })),
                    replacement_date: None,
                },
                d("2026-11-03"),
            )
            .because(Reason::parse("the family name was taken from the wrong referral").unwrap()),
        ],
    )
    .await
    .unwrap();
    let token = c.accounts.token("cli.search", "social_worker", None, "", &["read"]).await;
    let search = |args: &[&str]| {
        let mut all = vec!["search", "--database", &c.url];
        all.extend_from_slice(args);
        let out = run_as(&token, &all);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let found = search(&["--name", "Noah Robinson"]);
    assert!(found.contains("Noah Robinson") && found.contains("SR000002") && found.contains("Same name"), "{found}");
    let gone = search(&["--name", "Noah Johnson"]);
    assert!(gone.contains("No child or person in careful matches"), "{gone}");
    // The index is rebuilt with the rest of the projections, to the same answer.
    let out = crate::support::process::run(&["migrate", "--database", &c.url, "--rebuild"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(search(&["--name", "Robinsen"]).contains("Noah Robinson"));
}

/// The value of the hidden field `name` in a page's form.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no {name} in:\n{}", page.body)) + marker.len();
    page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
}

on_both_engines!(likely_duplicates_are_shown_before_a_new_record_is_started);

async fn likely_duplicates_are_shown_before_a_new_record_is_started(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db.url_string()).await;
    let before = c.accounts.app.children_count().await.unwrap();
    let careful = Careful::serve(&c.url);
    let fola = Session::new(&careful.base_url);
    assert_eq!(fola.sign_in("fola.front", &c.fd_password).await.status, 303);
    let form = fola.get("/children/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Start a new child&#39;s record") || form.body.contains("Start a new child's record"));

    // Problems are named by their fields.
    let empty = fola.post("/children/new", &form, &[("step", "check")]).await;
    assert_eq!(empty.status, 422);
    for (anchor, message) in [
        ("#given-name", "Enter the child&#39;s given name"),
        ("#family-name", "Enter the child&#39;s family name"),
        ("#date-of-birth-day", "Enter the child&#39;s date of birth"),
        ("#sex", "Select the child&#39;s sex"),
        ("#source", "Select who made the contact"),
    ] {
        assert!(empty.body.contains(&format!("<a href=\"{anchor}\">{message}</a>")), "{anchor}: {}", empty.body);
    }
    let olivia = [
        ("given_name", "Olivia"),
        ("family_name", "Smyth"),
        ("day", "1"),
        ("month", "6"),
        ("year", "2015"),
        ("sex", "F"),
        ("ethnicity", "WBRI"),
        ("source", "2A"),
    ];
    let mut fields = vec![("step", "check")];
    fields.extend_from_slice(&olivia);
    let check = fola.post("/children/new", &form, &fields).await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("Is this one of these children?"), "{}", check.body);
    assert!(check.body.contains(&format!("href=\"/children/{}\"", c.olivia)));
    assert!(check.body.contains("Family name: sounds the same, Given name: the same, Same date of birth"));
    let seen = hidden(&check, "seen");
    assert_eq!(seen, c.olivia.to_string());

    // Confirming without having been shown them shows them again, and starts nothing.
    let mut fields = vec![("step", "confirm"), ("seen", "")];
    fields.extend_from_slice(&olivia);
    let again = fola.post("/children/new", &check, &fields).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("id=\"found-since\""), "{}", again.body);
    assert_eq!(c.accounts.app.children_count().await.unwrap(), before);

    // "None of these": the record is started, and careful goes to it.
    let mut fields = vec![("step", "confirm"), ("seen", seen.as_str())];
    fields.extend_from_slice(&olivia);
    let started = fola.post("/children/new", &check, &fields).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let location = started.location.unwrap();
    assert!(location.starts_with("/children/") && location != format!("/children/{}", c.olivia), "{location}");
    let record = fola.get(&location).await;
    assert_eq!(record.status, 200, "{}", record.body);
    assert!(record.body.contains("Olivia Smyth") && record.body.contains("ID CF0000001"), "{}", record.body);
    assert_eq!(c.accounts.app.children_count().await.unwrap(), before + 1);
    // Now she is found too.
    let rows = results(&fola.get("/search?name=Olivia+Smith").await);
    assert!(rows.iter().any(|r| r.starts_with("Olivia Smyth 1 June 2015 CF0000001")), "{rows:?}");

    // A child like no one careful holds: the check says so, and the record gets the next number.
    let zeb = [
        ("given_name", "Zebedee"),
        ("family_name", "Quartermaine"),
        ("day", "2"),
        ("month", "2"),
        ("year", "2020"),
        ("sex", "M"),
        ("ethnicity", "NOBT"),
        ("source", "6"),
        ("street", "2 Mill Road"),
        ("town", "Eastmoor"),
        ("postcode", "EM1 4QT"),
    ];
    let mut fields = vec![("step", "check")];
    fields.extend_from_slice(&zeb);
    let check = fola.post("/children/new", &form, &fields).await;
    assert!(check.body.contains("id=\"no-duplicates\""), "{}", check.body);
    // Changing the details keeps them.
    let mut fields = vec![("step", "change")];
    fields.extend_from_slice(&zeb);
    let change = fola.post("/children/new", &check, &fields).await;
    assert!(change.body.contains("value=\"Quartermaine\"") && change.body.contains("value=\"EM1 4QT\""));
    let mut fields = vec![("step", "confirm"), ("seen", "")];
    fields.extend_from_slice(&zeb);
    let started = fola.post("/children/new", &check, &fields).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let record = fola.get(started.location.as_deref().unwrap()).await;
    assert!(record.body.contains("ID CF0000002"), "{}", record.body);

    // A council child ID already in use is refused, naming the field.
    let mut fields = vec![("step", "confirm"), ("seen", ""), ("la_child_id", "SR000003")];
    fields.extend_from_slice(&[
        ("given_name", "Yara"),
        ("family_name", "Unique"),
        ("day", "3"),
        ("month", "3"),
        ("year", "2019"),
        ("sex", "F"),
        ("ethnicity", "WBRI"),
        ("source", "2A"),
    ]);
    let refused = fola.post("/children/new", &check, &fields).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("<a href=\"#la-child-id\">Another child&#39;s record has council child ID SR000003"));
}

on_both_engines!(searches_are_audited_and_problems_named_by_their_fields);

async fn searches_are_audited_and_problems_named_by_their_fields(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db.url_string()).await;
    let careful = Careful::serve(&c.url);
    let fola = Session::new(&careful.base_url);
    assert_eq!(fola.sign_in("fola.front", &c.fd_password).await.status, 303);
    let page = fola.get("/search?name=Smyth&day=01&month=06&year=2015").await;
    assert_eq!(results(&page).len(), 2);
    let entries = c.accounts.admin().audit_log(None, None, None, 50).await.unwrap();
    let search = entries.iter().find(|e| e.action == "people.search").expect("the search is in the audit log");
    assert_eq!((search.actor.as_str(), search.outcome.as_str()), ("fola.front", "allowed"));
    assert_eq!(search.detail, "Searched for name \u{201c}Smyth\u{201d}, date of birth 1 June 2015: 2 result(s) shown");

    // Every problem is named by its field, in the error summary and beside the field.
    let bad = fola.get("/search?name=123&day=31&month=2&year=2015&upn=A823100123456&nhs_number=12&postcode=EM1").await;
    assert_eq!(bad.status, 422);
    for (anchor, message) in [
        ("#name", "Name must include letters"),
        ("#date-of-birth-day", "Date of birth must be a real date"),
        ("#upn", "Enter a UPN, such as A123456789012: its check letter should be B, not A"),
        ("#nhs-number", "Enter an NHS number of 10 digits, such as 943 476 5919: an NHS number has 10 digits"),
        ("#postcode", "Enter a full postcode, such as EM1 4QT"),
    ] {
        assert!(bad.body.contains(&format!("<a href=\"{anchor}\">{message}")), "{anchor}: {}", bad.body);
    }
    assert!(bad.body.contains("id=\"date-of-birth-error\""));
    // No search was made, so none was audited.
    let after = c.accounts.admin().audit_log(None, None, None, 50).await.unwrap();
    assert_eq!(after.iter().filter(|e| e.action == "people.search").count(), 1);

    // The command line names the option.
    let token = c.accounts.token("cli.front", "front_door", None, "", &["read"]).await;
    let out = run_as(&token, &["search", "--database", &c.url, "--upn", "X1", "--date-of-birth", "2015-02-31"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("--date-of-birth: Date of birth must be a real date"), "{said}");
    assert!(said.contains("--upn: Enter a UPN, such as A123456789012"), "{said}");
    let out = run_as(&token, &["search", "--database", &c.url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("say what to search for"), "{}", text(&out.stderr));

    // Analysts do not search: refused, and the refusal audited.
    let analyst = c.accounts.token("cli.analyst", "performance_analyst", None, "", &["read"]).await;
    let out = run_as(&analyst, &["search", "--database", &c.url, "--name", "Smith"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("you cannot search for children"), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("Olivia"));
    let entries = c.accounts.admin().audit_log(None, None, None, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "people.search" && e.outcome == "denied" && e.actor == "cli.analyst"));
}
