//! A small council for the practitioners' pages: a looked-after team (a social worker and
//! their manager), an IRO, and Mia Smith, looked after for 60 days, whose first visit in her
//! placement is overdue. Dates are counted back from today, so the duties stand the same way
//! whenever the tests run.

// Shared by the web and browser tests; not every test uses every part.
#![allow(dead_code)]

use chrono::NaiveDate;

use careful_app::UserHandle;
use careful_app::record::Proposed;
use careful_domain::codes::*;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::*;
use careful_domain::{CarerId, ChildId, TeamId, WorkerId};

use super::accounts::{Accounts, set_up, signed_in};

pub struct Practice {
    pub accounts: Accounts,
    pub sam_password: String,
    pub tess_password: String,
    /// Tess's authenticator app's secret (a team manager signs in with a second factor).
    pub tess_secret: Vec<u8>,
    pub ida_password: String,
    /// Sam, signed in (in this process).
    pub sam: UserHandle,
    pub mia: ChildId,
    pub sam_worker: WorkerId,
    pub tess_worker: WorkerId,
    pub team: TeamId,
    pub today: NaiveDate,
    /// The day Mia became looked after.
    pub looked_after: NaiveDate,
}

pub fn days_ago(today: NaiveDate, days: u64) -> NaiveDate {
    today - chrono::Days::new(days)
}

pub async fn practice(url: &str) -> Practice {
    let accounts = Accounts::new(url).await;
    let today = careful_domain::calendar::date_in_england(chrono::Utc::now());
    let admin = accounts.admin();
    let team = admin.add_team("Looked after team", "looked_after").await.unwrap();
    let reviewing = admin.add_team("Reviewing officers", "independent_reviewing").await.unwrap();
    let started = Some(NaiveDate::from_ymd_opt(2020, 1, 6).unwrap());
    let sam_worker =
        admin.add_worker("Sam Social", WorkerRole::SocialWorker, team, false, None, started).await.unwrap();
    let tess_worker =
        admin.add_worker("Tess Manager", WorkerRole::TeamManager, team, false, None, started).await.unwrap();
    let ida_worker = admin
        .add_worker("Ida Reviewer", WorkerRole::IndependentReviewingOfficer, reviewing, false, None, started)
        .await
        .unwrap();
    let sam_password = accounts.add("sam.social", "social_worker", Some(sam_worker), "").await;
    let tess_password = accounts.add("tess.manager", "team_manager", Some(tess_worker), "").await;
    let ida_password = accounts.add("ida.reviewer", "iro", Some(ida_worker), "").await;
    let (_, tess_secret) = set_up(&accounts.app, "tess.manager", &tess_password).await;
    let sam = signed_in(&accounts.app, "sam.social", &sam_password).await;

    let known = days_ago(today, 70);
    let looked_after = days_ago(today, 60);
    let details = PersonalDetails {
        given_name: "Mia".into(),
        family_name: "Smith".into(),
        date_of_birth: Some(NaiveDate::from_ymd_opt(2014, 5, 17).unwrap()),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let events = vec![
        Proposed::new(ChildEvent::ChildRegistered { la_child_id: "PR000001".parse().unwrap(), details }, known),
        Proposed::new(
            ChildEvent::ReferralReceived { source: ReferralSource::Police, primary_need: Need::AbuseOrNeglect },
            known,
        ),
        Proposed::new(ChildEvent::WorkerAllocated { worker: sam_worker, team, reason: None }, known),
        Proposed::new(
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::InterimCareOrder,
                placement: Placement {
                    placement_type: PlacementType::FosterOtherOther,
                    provider: Some(PlacementProvider::OwnProvision),
                    postcode: Some("EM1 4QT".parse().unwrap()),
                    urn: None,
                    carer: CarerId::from_random_bytes([1; 16]),
                },
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
            looked_after,
        ),
        Proposed::new(ChildEvent::IroAppointed { iro: ida_worker }, days_ago(today, 59)),
    ];
    let (mia, _) = sam.register_child(events).await.unwrap();
    Practice {
        accounts,
        sam_password,
        tess_password,
        tess_worker,
        tess_secret,
        ida_password,
        sam,
        mia,
        sam_worker,
        team,
        today,
        looked_after,
    }
}
