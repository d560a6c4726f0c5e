//! One synthetic child's journey through children's services, from the first referral to
//! closure, care or adulthood, as the events a council's workers would record.
//!
//! Every journey is generated on its own, from its own random stream, so a council of any size
//! can be generated a child at a time. Statutory timescales are met with a margin (visits,
//! reviews, assessments, conferences, health assessments, PEPs, return interviews), except
//! where a failure is injected on purpose, and each injected failure is listed with the rule it
//! breaks so the duties engine can be checked against it.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};

use careful_domain::calendar::{add_months, date_attaining_age};
use careful_domain::codes::*;
use careful_domain::identifiers::{LaChildId, NhsNumber, Postcode, Upn};
use careful_domain::organisation::Service;
use careful_domain::record::*;
use careful_domain::{CarerId, ChildId, EventId, PersonId, RecordedBy, WorkerId, WorkingDayCalendar};

use crate::model;
use crate::names;
use crate::organisation::Organisation;
use crate::rng::Rng;
use crate::{FailureRates, InjectedFailure, SyntheticChild, SyntheticEvent};

/// What every journey shares.
pub(crate) struct Context<'a> {
    pub org: &'a Organisation,
    pub end: NaiveDate,
    pub failures: FailureRates,
    /// Only failures on or after this date are injected (earlier history is clean).
    pub inject_from: NaiveDate,
    pub la_number: &'a str,
    pub postcode_area: &'a str,
}

/// How a care-bound referral reaches care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CareRoute {
    ThroughProtectionPlan,
    Emergency,
    Section20,
}

/// How a period of care will end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Adoption,
    SpecialGuardianship,
    Home,
    Adulthood,
    Other,
}

/// What happened at the end of a stretch of the journey.
enum Outcome {
    /// The case closed on this date (and may be referred again).
    Closed(NaiveDate),
    /// The journey reached the end of the simulation.
    Running,
    /// The child left care at 18 or was adopted: no re-referral.
    Finished,
}

pub(crate) struct Journey<'a> {
    ctx: &'a Context<'a>,
    rng: Rng,
    index: u64,
    pub id: ChildId,
    la_child_id: LaChildId,
    dob: NaiveDate,
    sex: Sex,
    uasc: bool,
    events: Vec<SyntheticEvent>,
    injected: Vec<InjectedFailure>,
    /// The practitioner post currently holding the case, if any.
    post: Option<usize>,
    iro_post: Option<usize>,
    /// The last allocation recorded, so the same worker is never allocated twice in a row.
    allocated: Option<(WorkerId, careful_domain::TeamId)>,
    pathway_plan: bool,
    /// A personal adviser has been allocated (on becoming eligible).
    adviser: bool,
    /// Periods of care so far: when each began and (if it has) ended.
    care_periods: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// Care plan changes awaiting approval after the review on this date.
    pending_approvals: Vec<(NaiveDate, WorkerId)>,
    /// The child's details as last recorded.
    details: Option<PersonalDetails>,
}

/// The millisecond timestamp synthetic identifiers count from (1 January 2020), plus the
/// child's index: a fixed origin, so the same council always has the same identifiers.
const IDS_FROM: u64 = 1_577_836_800_000;

/// The ten bytes after a version 7 identifier's timestamp: a sequence number first (so the
/// child's events sort in record order), then random bytes.
fn tail(rng: &mut Rng, sequence: u32) -> [u8; 10] {
    let mut out = [0u8; 10];
    out[..4].copy_from_slice(&sequence.to_be_bytes());
    out[4..].copy_from_slice(&rng.bytes16()[..6]);
    out
}

fn calendar() -> &'static WorkingDayCalendar {
    WorkingDayCalendar::england_and_wales()
}

/// `n` working days after `date`, or the same count of weekdays where the calendar has no data.
pub(crate) fn wd(date: NaiveDate, n: u32) -> NaiveDate {
    calendar().add_working_days(date, n).unwrap_or_else(|_| {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d + Days::new(1);
            if d.weekday().num_days_from_monday() < 5 {
                left -= 1;
            }
        }
        d
    })
}

fn days(date: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 { date + Days::new(n as u64) } else { date - Days::new((-n) as u64) }
}

fn months(date: NaiveDate, n: i32) -> NaiveDate {
    add_months(date, n).unwrap_or(date)
}

/// A unique pupil number: the council's number, four digits, the year of school entry and
/// three digits, with its check letter.
fn new_upn(rng: &mut Rng, la_number: &str, dob: NaiveDate) -> Upn {
    let rest = format!("{la_number}{:04}{:02}{:03}", rng.below(10_000), (dob.year() + 4) % 100, rng.below(1000));
    Upn::with_check_letter(&rest).expect("generated UPNs are well formed")
}

impl<'a> Journey<'a> {
    /// A child first referred on `referral` at `age_days` old (negative: unborn).
    pub(crate) fn new(
        ctx: &'a Context<'a>,
        mut rng: Rng,
        index: u64,
        referral: NaiveDate,
        age_days: i64,
        uasc: bool,
    ) -> Journey<'a> {
        // Identifiers are time-ordered by the child's place in the council (see `event_id`).
        let id = ChildId::from_ordered(IDS_FROM + index, tail(&mut rng, 0));
        let sex = if uasc {
            if rng.chance(0.95) { Sex::Male } else { Sex::Female }
        } else if rng.chance(0.52) {
            Sex::Male
        } else {
            Sex::Female
        };
        Journey {
            ctx,
            rng,
            index,
            id,
            la_child_id: format!("EM{index:07}").parse().expect("valid child ID"),
            dob: days(referral, -age_days),
            sex,
            uasc,
            events: Vec::new(),
            injected: Vec::new(),
            post: None,
            iro_post: None,
            allocated: None,
            pathway_plan: false,
            adviser: false,
            care_periods: Vec::new(),
            pending_approvals: Vec::new(),
            details: None,
        }
    }

    pub(crate) fn finish(self) -> SyntheticChild {
        let mut events = self.events;
        // Stable: events of one day keep the order they were generated in.
        events.sort_by_key(|e| e.effective_date);
        let mut rng = self.rng;
        // A child first known before school age gets a UPN at school: the council records it
        // at its first entry on or after the September the child starts in reception (the
        // first after the 4th birthday), so a child of school age is never UN1 (903 rule 209).
        if let Some(details) =
            self.details.filter(|d| d.upn.is_none() && d.upn_unknown == Some(UpnUnknown::Under6NotAtSchool))
        {
            let four = date_attaining_age(self.dob, 4).unwrap_or(self.dob);
            let september = |year: i32| NaiveDate::from_ymd_opt(year, 9, 1).expect("a valid date");
            let school =
                if september(four.year()) > four { september(four.year()) } else { september(four.year() + 1) };
            if let Some(at) = events.iter().position(|e| e.effective_date >= school) {
                let details = PersonalDetails {
                    date_of_birth: Some(self.dob),
                    expected_date_of_birth: None,
                    sex: self.sex,
                    upn: Some(new_upn(&mut rng, self.ctx.la_number, self.dob)),
                    upn_unknown: None,
                    ..details
                };
                let first = &events[at];
                let update = SyntheticEvent {
                    id: EventId::from_uuid(uuid::Uuid::nil()),
                    effective_date: first.effective_date,
                    recorded_at: first.recorded_at,
                    recorded_by: first.recorded_by,
                    event: ChildEvent::PersonalDetailsUpdated { details },
                };
                events.insert(at, update);
            }
        }
        // Event IDs in record order, after the child's own.
        for (i, e) in events.iter_mut().enumerate() {
            e.id = EventId::from_ordered(IDS_FROM + self.index, tail(&mut rng, i as u32 + 1));
        }
        SyntheticChild { id: self.id, la_child_id: self.la_child_id, events, injected: self.injected }
    }

    fn age_on(&self, date: NaiveDate) -> u32 {
        careful_domain::calendar::age_on(self.dob, date).unwrap_or(0)
    }

    fn birthday(&self, age: u32) -> NaiveDate {
        date_attaining_age(self.dob, age).unwrap_or(self.dob)
    }

    /// `date`, or the day before the 18th birthday if later: children's plans end at 18.
    fn before_18(&self, date: NaiveDate) -> NaiveDate {
        date.min(days(self.birthday(18), -1))
    }

    fn worker_of(&self, post: usize, date: NaiveDate) -> WorkerId {
        self.ctx.org.holder(post, date).worker
    }

    fn push_by(&mut self, date: NaiveDate, by: WorkerId, event: ChildEvent) {
        let minutes = 8 * 60 + 30 + self.rng.below(9 * 60) as u32;
        let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time");
        // Most entries are made the same day; some a day or two later.
        let lag = if self.rng.chance(0.8) { 0 } else { 1 + self.rng.below(2) };
        self.events.push(SyntheticEvent {
            id: EventId::from_uuid(uuid::Uuid::nil()),
            effective_date: date,
            recorded_at: days(date, lag as i64).and_time(time).and_utc(),
            recorded_by: RecordedBy::Worker(by),
            event,
        });
    }

    /// Recorded by the allocated worker (or a front door worker before allocation).
    fn push(&mut self, date: NaiveDate, event: ChildEvent) {
        let post = self.post.unwrap_or_else(|| self.ctx.org.pick(Service::FrontDoor, &mut self.rng));
        let by = self.worker_of(post, date);
        self.push_by(date, by, event);
    }

    /// Recorded by the manager of the allocated worker's team.
    fn push_manager(&mut self, date: NaiveDate, event: ChildEvent) {
        let post = self.post.unwrap_or_else(|| self.ctx.org.pick(Service::FrontDoor, &mut self.rng));
        let by = self.worker_of(self.ctx.org.manager_of(post), date);
        self.push_by(date, by, event);
    }

    fn push_iro(&mut self, date: NaiveDate, event: ChildEvent) {
        let post = self.iro_post.unwrap_or_else(|| self.ctx.org.pick(Service::IndependentReviewing, &mut self.rng));
        let by = self.worker_of(post, date);
        self.push_by(date, by, event);
    }

    fn inject(&mut self, date: NaiveDate, rate: f64) -> bool {
        date >= self.ctx.inject_from && date <= self.ctx.end && self.rng.chance(rate)
    }

    /// An ending at once (CPPCR reg 14(3)), on one of its grounds, authorised by the allocated
    /// worker's manager.
    fn emergency_notice(&mut self, date: NaiveDate, reason: &str) -> CarerNotice {
        let ground = if self.rng.chance(0.85) { EmergencyGround::RiskToChild } else { EmergencyGround::ProtectOthers };
        let authorised_by = self.post.map(|post| self.worker_of(self.ctx.org.manager_of(post), date));
        CarerNotice::Emergency { reason: reason.to_string(), ground: Some(ground), authorised_by }
    }

    fn record_failure(&mut self, rule: &'static str, due: NaiveDate, what: String) {
        self.injected.push(InjectedFailure { child: self.id, la_child_id: self.la_child_id.clone(), rule, due, what });
    }

    fn record_allocation(&mut self, date: NaiveDate, post: usize, reason: Option<SocialWorkerChangeReason>) {
        let worker = self.worker_of(post, date);
        let team = self.ctx.org.team_of(post);
        if self.allocated == Some((worker, team)) {
            return;
        }
        self.allocated = Some((worker, team));
        let manager = self.worker_of(self.ctx.org.manager_of(post), date);
        self.push_by(date, manager, ChildEvent::WorkerAllocated { worker, team, reason });
    }

    /// Allocates the case to a post in `service` from `date`.
    fn allocate(&mut self, service: Service, date: NaiveDate) {
        let post = self.ctx.org.pick(service, &mut self.rng);
        // From the front door to a team, or from team to team, as the council's process has it
        // (the 903 asks the reason for every social worker episode from April 2023).
        self.post = Some(post);
        self.record_allocation(date, post, Some(SocialWorkerChangeReason::TeamStructureProcess));
    }

    /// Records a new worker where the allocated worker left before `date` (turnover).
    fn follow_turnover(&mut self, from: NaiveDate, until: NaiveDate) {
        let Some(post) = self.post else { return };
        let mut at = from;
        loop {
            let holder = self.ctx.org.holder(post, at);
            match holder.to {
                Some(left) if left < until && left <= self.ctx.end => {
                    self.record_allocation(left, post, Some(SocialWorkerChangeReason::LeftRole));
                    at = left;
                }
                _ => break,
            }
        }
    }

    fn ethnicity(&mut self) -> Ethnicity {
        use Ethnicity::*;
        if self.uasc {
            return [OtherEthnicGroup, AsianOther, BlackAfrican, BlackOther, MixedOther]
                [self.rng.weighted(&[0.3, 0.35, 0.25, 0.05, 0.05])];
        }
        let all = [
            WhiteBritish,
            WhiteOther,
            WhiteIrish,
            GypsyRoma,
            WhiteAndBlackCaribbean,
            WhiteAndAsian,
            MixedOther,
            Pakistani,
            Indian,
            Bangladeshi,
            AsianOther,
            BlackAfrican,
            BlackCaribbean,
            OtherEthnicGroup,
            NotObtained,
        ];
        all[self
            .rng
            .weighted(&[0.66, 0.05, 0.005, 0.005, 0.04, 0.02, 0.04, 0.03, 0.01, 0.01, 0.01, 0.05, 0.02, 0.04, 0.01])]
    }

    fn postcode(&mut self, out_of_area: bool) -> Postcode {
        let area =
            if out_of_area { ["QA", "QB", "QC", "QD"][self.rng.below(4) as usize] } else { self.ctx.postcode_area };
        let letters = b"ABDEFGHJLNPQRSTUWXYZ";
        let code = format!(
            "{area}{} {}{}{}",
            1 + self.rng.below(19),
            self.rng.below(10),
            letters[self.rng.below(letters.len() as u64) as usize] as char,
            letters[self.rng.below(letters.len() as u64) as usize] as char
        );
        code.parse().expect("generated postcodes are well formed")
    }

    // ------------------------------------------------------------------ the whole journey

    /// A contact that is not accepted as a referral: early help, advice or no further action.
    pub(crate) fn contact_only(&mut self, date: NaiveDate) {
        let born = self.dob <= date;
        let details = PersonalDetails {
            given_name: names::given_name(&mut self.rng, self.sex).to_string(),
            family_name: names::family_name(&mut self.rng).to_string(),
            date_of_birth: born.then_some(self.dob),
            expected_date_of_birth: (!born).then_some(self.dob),
            sex: if born { self.sex } else { Sex::NotKnown },
            ethnicity: self.ethnicity(),
            upn: None,
            upn_unknown: None,
            nhs_number: None,
            disabilities: vec![],
        };
        self.push(date, ChildEvent::ChildRegistered { la_child_id: self.la_child_id.clone(), details });
        let source = [
            ReferralSource::Police,
            ReferralSource::School,
            ReferralSource::OtherHealth,
            ReferralSource::Family,
            ReferralSource::Anonymous,
        ][self.rng.weighted(&[0.4, 0.25, 0.15, 0.15, 0.05])];
        self.push(date, ChildEvent::ContactReceived { source });
        let outcome = [ContactOutcome::EarlyHelp, ContactOutcome::AdviceOrSignposting, ContactOutcome::NoFurtherAction]
            [self.rng.weighted(&[0.4, 0.35, 0.25])];
        let decided = wd(date, self.rng.below(2) as u32);
        if decided <= self.ctx.end {
            self.push(decided, ChildEvent::ContactDecided { outcome });
        }
    }

    /// Generates the journey from the first referral on `first` to `ctx.end`.
    pub(crate) fn run(&mut self, first: NaiveDate) {
        let registered = first;
        let born = self.dob <= registered;
        let given = names::given_name(&mut self.rng, self.sex).to_string();
        let family = names::family_name(&mut self.rng).to_string();
        let ethnicity = self.ethnicity();
        let age = if born { self.age_on(registered) } else { 0 };
        let upn = (born && age >= 4 && !self.uasc).then(|| new_upn(&mut self.rng, self.ctx.la_number, self.dob));
        let upn_unknown = upn.is_none().then_some({
            if self.uasc {
                UpnUnknown::NewlyArrived
            } else if age < 6 {
                UpnUnknown::Under6NotAtSchool
            } else {
                UpnUnknown::IncompleteInformation
            }
        });
        let nhs_number = born.then(|| {
            loop {
                let nine = format!("999{:06}", self.rng.below(1_000_000));
                if let Some(n) = NhsNumber::with_check_digit(&nine) {
                    break n;
                }
            }
        });
        // About one child in eight has a disability, and a third of those more than one (DfE
        // asks that every disability be recorded: CIN query 2888Q).
        let disabilities = if self.rng.chance(0.12) {
            let first = *self.rng.pick(&Disability::ALL[1..]);
            let second = *self.rng.pick(&Disability::ALL[1..]);
            if second != first && self.rng.chance(0.33) { vec![first, second] } else { vec![first] }
        } else {
            vec![Disability::None]
        };
        let details = PersonalDetails {
            given_name: given.clone(),
            family_name: family.clone(),
            date_of_birth: born.then_some(self.dob),
            expected_date_of_birth: (!born).then_some(self.dob),
            sex: if born { self.sex } else { Sex::NotKnown },
            ethnicity,
            upn,
            upn_unknown,
            nhs_number,
            disabilities,
        };
        self.details = Some(details.clone());
        self.push(registered, ChildEvent::ChildRegistered { la_child_id: self.la_child_id.clone(), details });
        let street = format!("{} {} Road", 1 + self.rng.below(140), names::family_name(&mut self.rng));
        let address = Address { street, town: "Eastmoor".into(), postcode: self.postcode(false) };
        self.push(registered, ChildEvent::AddressChanged { address });
        if !self.uasc {
            let mother = RelatedPerson {
                person: PersonId::from_random_bytes(self.rng.bytes16()),
                name: format!("{} {family}", names::given_name(&mut self.rng, Sex::Female)),
                relationship: Relationship::Mother,
                parental_responsibility: true,
                date_of_birth: Some(days(self.dob, -(365 * (18 + self.rng.below(20) as i64)))),
            };
            self.push(registered, ChildEvent::PersonRecorded { person: mother });
        } else {
            self.push(registered, ChildEvent::UascStatusChanged { uasc: true });
        }
        if !born && self.dob <= self.ctx.end {
            // The birth is recorded when it happens, whatever the case's state.
            self.push(self.dob, ChildEvent::ChildBorn { date_of_birth: self.dob, sex: self.sex });
        }

        let mut referral = first;
        loop {
            let outcome = self.referral(referral);
            match outcome {
                Outcome::Closed(closed) => {
                    if !self.rng.chance(model::RE_REFERRAL_CHANCE) {
                        break;
                    }
                    let next = days(closed, 14 + self.rng.exponential(model::RE_REFERRAL_MEAN_GAP_DAYS) as i64);
                    if next > self.ctx.end || next >= days(self.birthday(18), -150) {
                        break;
                    }
                    referral = next;
                }
                Outcome::Running | Outcome::Finished => break,
            }
        }
    }

    /// One referral, from contact to closure. The case is open throughout.
    fn referral(&mut self, date: NaiveDate) -> Outcome {
        let end = self.ctx.end;
        self.post = None;
        let source = if self.uasc {
            [ReferralSource::LaExternal, ReferralSource::Police, ReferralSource::Other]
                [self.rng.weighted(&[0.5, 0.3, 0.2])]
        } else {
            let sources = [
                ReferralSource::Police,
                ReferralSource::School,
                ReferralSource::HealthVisitor,
                ReferralSource::OtherHealth,
                ReferralSource::Family,
                ReferralSource::LaSocialCare,
                ReferralSource::Housing,
                ReferralSource::Anonymous,
                ReferralSource::EarlyHelp,
                ReferralSource::SelfReferral,
            ];
            sources[self.rng.weighted(&[0.29, 0.2, 0.06, 0.1, 0.08, 0.08, 0.03, 0.02, 0.08, 0.06])]
        };
        self.push(date, ChildEvent::ContactReceived { source });
        self.push(date, ChildEvent::ContactDecided { outcome: ContactOutcome::Referral });
        let referral = if self.rng.chance(0.7) { date } else { wd(date, 1) };
        if referral > end {
            return Outcome::Running;
        }
        let age_band = if self.dob > referral { 0 } else { model::age_band(self.age_on(referral)) };
        let need = if self.uasc {
            Need::AbsentParenting
        } else {
            [
                Need::AbuseOrNeglect,
                Need::FamilyDysfunction,
                Need::FamilyInAcuteStress,
                Need::ChildsDisability,
                Need::ParentalIllnessOrDisability,
                Need::SociallyUnacceptableBehaviour,
                Need::LowIncome,
                Need::AbsentParenting,
            ][self.rng.weighted(&[0.55, 0.16, 0.1, 0.06, 0.05, 0.04, 0.01, 0.03])]
        };
        self.push(referral, ChildEvent::ReferralReceived { source, primary_need: need });

        if self.uasc {
            return self.uasc_journey(referral);
        }
        // Nobody is taken into care in their last months before 18.
        let chance =
            if self.dob > referral { model::CARE_PER_PRE_BIRTH_REFERRAL } else { model::CARE_PER_REFERRAL[age_band] };
        let care_bound = self.rng.chance(chance) && referral < days(self.birthday(18), -150);
        if !care_bound && self.rng.chance(model::NFA_AT_REFERRAL) {
            self.push(referral, ChildEvent::ReferralNoFurtherAction {});
            return Outcome::Closed(referral);
        }
        let unborn = self.dob > referral;
        let route = care_bound.then(|| match self.rng.weighted(&model::CARE_ROUTE) {
            _ if unborn => CareRoute::ThroughProtectionPlan,
            // Babies at risk are protected at once.
            _ if age_band == 0 => CareRoute::Emergency,
            0 => CareRoute::ThroughProtectionPlan,
            1 => CareRoute::Emergency,
            _ => CareRoute::Section20,
        });

        // Assessment.
        let start = wd(referral, self.rng.below(3) as u32);
        if start > end {
            return Outcome::Running;
        }
        self.allocate(Service::Assessment, start);
        self.push(start, ChildEvent::AssessmentStarted {});
        let seen = wd(start, 1 + self.rng.below(3) as u32);
        let s47 = match route {
            Some(CareRoute::ThroughProtectionPlan) | Some(CareRoute::Emergency) => true,
            Some(CareRoute::Section20) => false,
            None => self.rng.chance(model::S47_PER_ASSESSMENT),
        };
        let drift = !s47 && self.inject(wd(referral, 45), self.ctx.failures.drifting_assessment);
        let assessment_days = if drift { 46 + self.rng.below(25) as u32 } else { 12 + self.rng.below(28) as u32 };
        let mut authorised = wd(referral, assessment_days);
        if drift {
            self.record_failure(
                "asmt-45",
                wd(referral, 45),
                format!("assessment authorised on {authorised}, after 45 working days"),
            );
        }

        if !s47 {
            if seen < authorised && seen <= end {
                self.visit(seen, VisitKind::Assessment);
            }
            if authorised > end {
                return Outcome::Running;
            }
            self.follow_turnover(start, authorised);
            let outcome = if route.is_some() {
                AssessmentOutcome::LookedAfter
            } else if self.rng.chance(model::IN_NEED_PER_ASSESSMENT) {
                AssessmentOutcome::ChildInNeed
            } else if self.rng.chance(0.5) {
                AssessmentOutcome::EarlyHelp
            } else {
                AssessmentOutcome::NoFurtherAction
            };
            let factors =
                self.factors(!matches!(outcome, AssessmentOutcome::NoFurtherAction | AssessmentOutcome::EarlyHelp));
            self.push_manager(authorised, ChildEvent::AssessmentAuthorised { factors, outcome });
            return match outcome {
                AssessmentOutcome::LookedAfter => {
                    let entry = wd(authorised, self.rng.below(5) as u32);
                    self.care(entry, Some(LegalStatus::Section20SinglePeriod))
                }
                AssessmentOutcome::ChildInNeed => self.cin_plan_then_close(authorised),
                AssessmentOutcome::EarlyHelp => {
                    self.close(authorised, ReasonForClosure::ClosedAfterAssessmentEarlyHelp)
                }
                _ => self.close(authorised, ReasonForClosure::ClosedAfterAssessmentNoFurtherAction),
            };
        }

        // Strategy discussion and section 47 enquiry.
        let strategy = wd(start, self.rng.below(4) as u32);
        if strategy > end {
            return Outcome::Running;
        }
        self.push_manager(strategy, ChildEvent::StrategyDiscussionHeld { section_47: true });
        self.push(strategy, ChildEvent::Section47Started {});
        if seen <= end {
            self.visit(seen, VisitKind::Assessment);
        }
        if route == Some(CareRoute::Emergency) {
            let entry = days(strategy, self.rng.below(3) as i64);
            if entry > end {
                return Outcome::Running;
            }
            let ls =
                [LegalStatus::PoliceProtection, LegalStatus::EmergencyProtectionOrder, LegalStatus::InterimCareOrder]
                    [self.rng.weighted(&[0.45, 0.3, 0.25])];
            let completed = wd(strategy, 3 + self.rng.below(6) as u32).max(wd(entry, 1));
            // The assessment and enquiry conclude while the child is looked after.
            return self.care_with_enquiry(entry, ls, completed, authorised.max(completed));
        }
        let completed = wd(strategy, 4 + self.rng.below(8) as u32);
        if completed > end {
            return Outcome::Running;
        }
        let conference = route == Some(CareRoute::ThroughProtectionPlan) || {
            let w = model::S47_OUTCOME;
            self.rng.weighted(&w) == 0
        };
        let s47_outcome = if conference {
            Section47Outcome::ConferenceRequired
        } else if self.rng.chance(model::S47_OUTCOME[1] / (model::S47_OUTCOME[1] + model::S47_OUTCOME[2])) {
            Section47Outcome::ChildInNeed
        } else {
            Section47Outcome::NoFurtherAction
        };
        self.push(completed, ChildEvent::Section47Completed { outcome: s47_outcome });
        authorised = authorised.max(completed);
        if authorised <= end {
            self.follow_turnover(start, authorised);
            let factors = self.factors(true);
            let outcome = match s47_outcome {
                Section47Outcome::ConferenceRequired => AssessmentOutcome::StrategyDiscussion,
                Section47Outcome::ChildInNeed => AssessmentOutcome::ChildInNeed,
                Section47Outcome::NoFurtherAction => AssessmentOutcome::NoFurtherAction,
            };
            self.push_manager(authorised, ChildEvent::AssessmentAuthorised { factors, outcome });
        } else if s47_outcome != Section47Outcome::ConferenceRequired {
            return Outcome::Running;
        }
        // The conference does not wait for the assessment to be authorised.
        match s47_outcome {
            Section47Outcome::ConferenceRequired => {
                // Initial conference within 15 working days of the strategy discussion.
                let icpc = wd(strategy, 8 + self.rng.below(6) as u32).max(completed);
                if icpc > end {
                    return Outcome::Running;
                }
                let plan = route.is_some() || self.rng.chance(model::PLAN_PER_ICPC);
                self.push_iro(icpc, ChildEvent::InitialConferenceHeld { plan_required: plan });
                if plan { self.cp_plan(icpc, route.is_some()) } else { self.cin_plan_then_close(icpc) }
            }
            Section47Outcome::ChildInNeed => self.cin_plan_then_close(authorised),
            // After an enquiry, the case did not close after an assessment alone (RC8 is for
            // that, CIN rule 2990): services ceased, the child not in need.
            Section47Outcome::NoFurtherAction => self.close(authorised, ReasonForClosure::OtherReason),
        }
    }

    /// The factors an assessment identified. "21" (no factors identified) only where the case
    /// closes after the assessment: a child given services, or an enquiry, had factors (CIN
    /// rules 8873Q and 2990).
    fn factors(&mut self, services_follow: bool) -> Vec<AssessmentFactor> {
        use AssessmentFactor::*;
        let pool = [
            DomesticAbuseParent,
            MentalHealthParent,
            Neglect,
            DrugsParent,
            AlcoholParent,
            EmotionalAbuse,
            PhysicalAbuseAdultOnChild,
            MentalHealthChild,
            SelfHarm,
            SociallyUnacceptableBehaviour,
            Missing,
            ChildCriminalExploitation,
            SexualExploitation,
            LearningDisabilityChild,
        ];
        let n = self.rng.below(4);
        if n == 0 && !services_follow {
            return vec![NoFactors];
        }
        let n = n.max(1);
        let mut out: Vec<AssessmentFactor> = (0..n).map(|_| *self.rng.pick(&pool)).collect();
        out.sort();
        out.dedup();
        out
    }

    fn close(&mut self, date: NaiveDate, reason: ReasonForClosure) -> Outcome {
        if date > self.ctx.end {
            return Outcome::Running;
        }
        self.push_manager(date, ChildEvent::CaseClosed { reason });
        self.post = None;
        // A new referral is allocated afresh, even to the same worker.
        self.allocated = None;
        Outcome::Closed(date)
    }

    fn visit(&mut self, date: NaiveDate, kind: VisitKind) {
        if self.dob > date {
            return;
        }
        let alone = if self.age_on(date) < 4 || self.dob > date {
            Some(SeenAlone::No { reason: NotSeenAloneReason::Inappropriate })
        } else if self.rng.chance(0.9) {
            Some(SeenAlone::Yes)
        } else {
            Some(SeenAlone::No {
                reason: if self.rng.chance(0.6) {
                    NotSeenAloneReason::ChildRefused
                } else {
                    NotSeenAloneReason::Unable
                },
            })
        };
        self.push(
            date,
            ChildEvent::VisitMade { visit: kind, seen: true, seen_alone: alone, wishes_and_feelings: None },
        );
    }

    /// Visits strictly between `from` and `to`, each at most `max_gap` after the last, drawn
    /// by `next`.
    fn visits_between(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        kind: VisitKind,
        next: impl Fn(&mut Rng, NaiveDate) -> NaiveDate,
    ) {
        let mut last = from;
        loop {
            let v = next(&mut self.rng, last);
            if v >= to || v > self.ctx.end {
                break;
            }
            self.visit(v, kind);
            last = v;
        }
    }

    /// A child in need plan from `start`, reviewed and visited, then closure.
    fn cin_plan_then_close(&mut self, start: NaiveDate) -> Outcome {
        let end = self.ctx.end;
        if start > end {
            return Outcome::Running;
        }
        let length = 60 + self.rng.exponential(190.0) as i64;
        let finish = self.before_18(days(start, length)).max(start);
        if finish == start {
            // Eighteen the next day: no plan that starts and ends on one day (CIN query 4012Q).
            return self.close(start, ReasonForClosure::OtherReason);
        }
        self.allocate(Service::ChildInNeedAndProtection, start);
        self.push(start, ChildEvent::CinPlanStarted {});
        let stop = finish.min(days(end, 1));
        // Visits every 20 working days (council standard), reviews every 12 weeks.
        self.visits_between(start, stop, VisitKind::ChildInNeed, |rng, last| wd(last, 12 + rng.below(7) as u32));
        let mut review = start;
        loop {
            review = days(review, 63 + self.rng.below(18) as i64);
            if review >= stop {
                break;
            }
            self.push(review, ChildEvent::CinPlanReviewed {});
        }
        self.follow_turnover(start, stop);
        if finish > end {
            return Outcome::Running;
        }
        self.push(finish, ChildEvent::CinPlanEnded {});
        self.close(finish, ReasonForClosure::OtherReason)
    }

    /// A child protection plan from `start` (the initial conference), with core groups, visits
    /// and review conferences; it ends at a review conference.
    fn cp_plan(&mut self, start: NaiveDate, to_care: bool) -> Outcome {
        let end = self.ctx.end;
        self.allocate(Service::ChildInNeedAndProtection, start);
        let category = [
            CategoryOfAbuse::Neglect,
            CategoryOfAbuse::Emotional,
            CategoryOfAbuse::Physical,
            CategoryOfAbuse::Sexual,
            CategoryOfAbuse::Multiple,
        ][self.rng.weighted(&[0.48, 0.37, 0.07, 0.04, 0.04])];
        self.push(start, ChildEvent::ChildProtectionPlanStarted { category });
        // How long the plan lasts: most end at the second or third review.
        let infant = self.dob > start || self.age_on(start) == 0;
        let intended = if to_care && infant {
            30 + self.rng.below(90) as i64
        } else if to_care {
            60 + self.rng.below(200) as i64
        } else {
            75 + self.rng.exponential(170.0) as i64
        };
        let mut target = days(start, intended);
        if to_care && self.dob > start {
            // A baby on a pre-birth plan comes into care soon after birth.
            target = days(self.dob, 1 + self.rng.below(20) as i64);
        }
        // Review conferences: within 3 months, then within 6 months of the previous. A plan
        // that ends with the child coming into care ends at a conference held that day.
        let mut reviews = Vec::new();
        let mut last = start;
        let mut first = true;
        let finish = loop {
            let limit = if first { months(last, 3) } else { months(last, 6) };
            let next = days(limit, -(3 + self.rng.below(25) as i64));
            let next = next.max(days(last, 14));
            first = false;
            if to_care && next >= target {
                break target;
            }
            if next >= target || next > end {
                break next;
            }
            reviews.push(next);
            last = next;
        };
        // A plan ends by the 18th birthday, and a child so close to 18 is not taken into care.
        let adult = days(self.birthday(18), -1);
        let to_care = to_care && finish < days(adult, -60);
        let finish = finish.min(adult).max(start);
        reviews.retain(|r| *r < finish);
        let stop = finish.min(days(end, 1));
        // Core group within 10 working days, then monthly; visits every 10 working days.
        let core = wd(start, 3 + self.rng.below(6) as u32);
        if core < stop {
            self.push(core, ChildEvent::CoreGroupMeetingHeld {});
            let mut c = core;
            loop {
                c = days(c, 21 + self.rng.below(7) as i64);
                if c >= stop {
                    break;
                }
                self.push(c, ChildEvent::CoreGroupMeetingHeld {});
            }
        }
        self.visits_between(start, stop, VisitKind::ChildProtection, |rng, last| wd(last, 6 + rng.below(4) as u32));
        for r in reviews {
            self.push_iro(
                r,
                ChildEvent::ReviewConferenceHeld { decision: ReviewConferenceDecision::ContinuePlan, category: None },
            );
        }
        self.follow_turnover(start, stop);
        if finish > end {
            return Outcome::Running;
        }
        self.push_iro(
            finish,
            ChildEvent::ReviewConferenceHeld { decision: ReviewConferenceDecision::EndPlan, category: None },
        );
        self.push(finish, ChildEvent::ChildProtectionPlanEnded {});
        if to_care {
            let ls =
                if self.rng.chance(0.8) { LegalStatus::InterimCareOrder } else { LegalStatus::Section20SinglePeriod };
            return self.care(finish, Some(ls));
        }
        if self.rng.chance(model::CP_STEP_DOWN) {
            self.cin_plan_then_close(finish)
        } else {
            self.close(finish, ReasonForClosure::OtherReason)
        }
    }

    /// An emergency entry to care during a section 47 enquiry: the enquiry and assessment
    /// conclude afterwards.
    fn care_with_enquiry(
        &mut self,
        entry: NaiveDate,
        ls: LegalStatus,
        completed: NaiveDate,
        authorised: NaiveDate,
    ) -> Outcome {
        let end = self.ctx.end;
        let plan = self.plan_care(entry, Some(ls));
        // Concluded by the day care ends, if it ends sooner.
        let care_end = plan.end.unwrap_or(NaiveDate::MAX);
        let completed = completed.min(care_end);
        let authorised = authorised.min(care_end).max(completed);
        self.push_care_start(entry, &plan);
        if completed <= end {
            self.push(completed, ChildEvent::Section47Completed { outcome: Section47Outcome::ChildInNeed });
        }
        if authorised <= end {
            let factors = self.factors(true);
            self.push_manager(
                authorised,
                ChildEvent::AssessmentAuthorised { factors, outcome: AssessmentOutcome::LookedAfter },
            );
        }
        // Periods of care last at least 70 days (see plan_care), longer than any enquiry or
        // assessment, so both conclude before the case can close.
        self.run_care(plan)
    }

    fn uasc_journey(&mut self, referral: NaiveDate) -> Outcome {
        let start = wd(referral, self.rng.below(2) as u32);
        if start > self.ctx.end {
            return Outcome::Running;
        }
        self.allocate(Service::Assessment, start);
        self.push(start, ChildEvent::AssessmentStarted {});
        let seen = wd(start, 1 + self.rng.below(3) as u32);
        if seen <= self.ctx.end {
            self.visit(seen, VisitKind::Assessment);
        }
        let entry = days(start, self.rng.below(3) as i64);
        if entry > self.ctx.end {
            return Outcome::Running;
        }
        let plan = self.plan_care(entry, Some(LegalStatus::Section20SinglePeriod));
        self.push_care_start(entry, &plan);
        // Within a week the child has a school place (and a UPN) or, at 16 or over, a college
        // place: never at a school in England (UN2). UN4, newly arrived, is for the first days
        // only (903 rule 210).
        let placed = days(entry, 1 + self.rng.below(6) as i64);
        if placed <= self.ctx.end
            && let Some(details) = self.details.clone()
        {
            let details = if self.age_on(placed) < 16 {
                PersonalDetails {
                    upn: Some(new_upn(&mut self.rng, self.ctx.la_number, self.dob)),
                    upn_unknown: None,
                    ..details
                }
            } else {
                PersonalDetails { upn_unknown: Some(UpnUnknown::NeverAttendedSchoolInEngland), ..details }
            };
            self.details = Some(details.clone());
            self.push(placed, ChildEvent::PersonalDetailsUpdated { details });
        }
        // Concluded by the day care ends, if it ends sooner.
        let authorised = wd(referral, 10 + self.rng.below(25) as u32).min(plan.end.unwrap_or(NaiveDate::MAX));
        if authorised <= self.ctx.end {
            self.push_manager(
                authorised,
                ChildEvent::AssessmentAuthorised {
                    factors: vec![AssessmentFactor::Uasc],
                    outcome: AssessmentOutcome::LookedAfter,
                },
            );
        }
        self.run_care(plan)
    }

    fn care(&mut self, entry: NaiveDate, ls: Option<LegalStatus>) -> Outcome {
        if entry > self.ctx.end {
            return Outcome::Running;
        }
        if entry >= days(self.birthday(18), -30) {
            // Too close to 18 to be taken into care: supported under a plan instead.
            return self.cin_plan_then_close(entry);
        }
        let plan = self.plan_care(entry, ls);
        self.push_care_start(entry, &plan);
        self.run_care(plan)
    }
}

// ------------------------------------------------------------------ periods of care

/// A period of care worked out before it is recorded.
struct CarePlan {
    entry: NaiveDate,
    exit: Exit,
    end: Option<NaiveDate>,
    legal_status: LegalStatus,
    placement: Placement,
    band: usize,
}

impl<'a> Journey<'a> {
    /// The placement for a child of age `band` under `legal_status` from `date`, on the way to
    /// `exit`. A child is placed with parents only under a care order, interim or full (the
    /// Placement of Children with Parents Regulations; 903 rule 378 refuses P1 under section
    /// 20), and a child to be adopted is fostered until placed for adoption (rule 336).
    fn placement_type(&mut self, date: NaiveDate, band: usize, exit: Exit, legal_status: LegalStatus) -> PlacementType {
        let kind = self.placement_type_drawn(date, band, exit);
        let care_order = matches!(legal_status, LegalStatus::InterimCareOrder | LegalStatus::FullCareOrder);
        match kind {
            PlacementType::WithParents if !care_order => PlacementType::FosterOtherOther,
            k if exit == Exit::Adoption && !k.is_foster() => PlacementType::FosterOtherOther,
            k => k,
        }
    }

    fn placement_type_drawn(&mut self, date: NaiveDate, band: usize, exit: Exit) -> PlacementType {
        use PlacementType::*;
        let supported = if date >= NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid") {
            SupportedAccommodation
        } else {
            SemiIndependentLiving
        };
        if self.uasc {
            return if self.age_on(date) >= 16 {
                [supported, FosterOtherOther, ChildrensHome][self.rng.weighted(&[0.56, 0.36, 0.08])]
            } else {
                [FosterOtherOther, ChildrensHome][self.rng.weighted(&[0.85, 0.15])]
            };
        }
        match band {
            0 if exit == Exit::Adoption => [FosterOtherForAdoption, FosterOtherOther][self.rng.weighted(&[0.45, 0.55])],
            0 => [FosterOtherOther, FosterRelativeOther, FamilyCentre, WithParents]
                [self.rng.weighted(&[0.67, 0.2, 0.05, 0.08])],
            1 | 2 => [FosterOtherOther, FosterRelativeOther, WithParents, ChildrensHome]
                [self.rng.weighted(&[0.6, 0.2, 0.14, if band == 1 { 0.0 } else { 0.04 }])],
            3 => [FosterOtherOther, FosterRelativeOther, ChildrensHome, WithParents, SecureChildrensHome]
                [self.rng.weighted(&[0.52, 0.13, 0.24, 0.10, 0.01])],
            _ => [FosterOtherOther, supported, ChildrensHome, FosterRelativeOther, WithParents]
                [self.rng.weighted(&[0.38, 0.28, 0.12, 0.15, 0.07])],
        }
    }

    fn new_placement(&mut self, date: NaiveDate, kind: PlacementType) -> Placement {
        use PlacementProvider::*;
        use PlacementType::*;
        let provider = match kind {
            WithParents => Some(Parents),
            FosterOtherOther | FosterOtherLongTerm | FosterOtherForAdoption => {
                Some([OwnProvision, Private, Voluntary][self.rng.weighted(&[0.6, 0.35, 0.05])])
            }
            FosterRelativeOther | FosterRelativeLongTerm | FosterRelativeForAdoption => Some(OwnProvision),
            ChildrensHome => Some([Private, OwnProvision, Voluntary][self.rng.weighted(&[0.8, 0.15, 0.05])]),
            SupportedAccommodation | SemiIndependentLiving => {
                Some([Private, Voluntary][self.rng.weighted(&[0.8, 0.2])])
            }
            SecureChildrensHome => Some([OtherLa, OwnProvision][self.rng.weighted(&[0.8, 0.2])]),
            FamilyCentre => Some(Private),
            k if k.is_placed_for_adoption() => Some(OwnProvision),
            k if k.has_provider() => Some(OwnProvision),
            _ => None,
        };
        let registered = matches!(kind, ChildrensHome | SecureChildrensHome | SupportedAccommodation | FamilyCentre);
        let urn = registered.then(|| format!("SC{:06}", 100_000 + self.rng.below(900_000)).parse().expect("valid URN"));
        let out_of_area = kind != WithParents && self.rng.chance(if registered { 0.6 } else { 0.3 });
        let _ = date;
        Placement {
            placement_type: kind,
            provider,
            postcode: Some(self.postcode(out_of_area)),
            urn,
            carer: CarerId::from_random_bytes(self.rng.bytes16()),
        }
    }

    fn plan_care(&mut self, entry: NaiveDate, ls: Option<LegalStatus>) -> CarePlan {
        let age = if self.dob > entry { 0 } else { self.age_on(entry) };
        let band = model::age_band(age);
        let exit = if self.uasc {
            [Exit::Adulthood, Exit::Other][self.rng.weighted(&[0.85, 0.15])]
        } else {
            [Exit::Adoption, Exit::SpecialGuardianship, Exit::Home, Exit::Adulthood, Exit::Other]
                [self.rng.weighted(&model::CARE_EXIT[band])]
        };
        let eighteen = self.birthday(18);
        let length = match exit {
            Exit::Adoption => 420 + self.rng.below(420) as i64,
            Exit::SpecialGuardianship => 360 + self.rng.below(800) as i64,
            // Babies who go home do so after months, not days.
            Exit::Home if band == 0 => 240 + self.rng.below(400) as i64,
            Exit::Home => match self.rng.weighted(&[0.22, 0.38, 0.40]) {
                0 => 3 + self.rng.below(28) as i64,
                1 => 31 + self.rng.below(150) as i64,
                _ => 181 + self.rng.below(540) as i64,
            },
            Exit::Adulthood => (eighteen - entry).num_days(),
            // Unaccompanied children whose age is assessed as 18 or over leave within months.
            Exit::Other if self.uasc => 20 + self.rng.below(100) as i64,
            Exit::Other if band == 0 => 240 + self.rng.below(300) as i64,
            Exit::Other => 20 + self.rng.below(480) as i64,
        };
        // Work begun before care (an enquiry, an assessment) concludes within 45 working days.
        let length = if exit == Exit::Adulthood { length.max(1) } else { length.max(70) };
        let mut end = days(entry, length);
        if exit != Exit::Adulthood && end >= eighteen {
            end = eighteen;
        }
        let legal_status = ls.unwrap_or(LegalStatus::Section20SinglePeriod);
        let kind = self.placement_type(entry, band, exit, legal_status);
        let placement = self.new_placement(entry, kind);
        let exit = if exit != Exit::Adulthood && end == eighteen { Exit::Adulthood } else { exit };
        CarePlan { entry, exit, end: (end <= self.ctx.end).then_some(end), legal_status, placement, band }
    }

    fn push_care_start(&mut self, entry: NaiveDate, plan: &CarePlan) {
        self.allocate(Service::LookedAfter, entry);
        let need = if self.uasc { Need::AbsentParenting } else { Need::AbuseOrNeglect };
        let home = self.postcode(false);
        self.push(
            entry,
            ChildEvent::BecameLookedAfter {
                legal_status: plan.legal_status,
                placement: plan.placement.clone(),
                category_of_need: need,
                home_postcode: Some(home),
                previous_permanence: Some(PreviousPermanence::None),
            },
        );
    }

    /// Records a period of care already started: legal status changes, moves, visits,
    /// reviews, health, education, missing episodes, adoption and the ending.
    fn run_care(&mut self, mut plan: CarePlan) -> Outcome {
        let end = self.ctx.end;
        let entry = plan.entry;
        self.care_periods.push((entry, None));

        // Legal status over time.
        let mut changes: Vec<(NaiveDate, LegalStatus)> = Vec::new();
        let mut ls = plan.legal_status;
        match ls {
            LegalStatus::PoliceProtection => {
                let d = days(entry, 1 + self.rng.below(2) as i64);
                ls = if self.rng.chance(0.5) {
                    LegalStatus::EmergencyProtectionOrder
                } else {
                    LegalStatus::InterimCareOrder
                };
                changes.push((d, ls));
                if ls == LegalStatus::EmergencyProtectionOrder {
                    ls = LegalStatus::InterimCareOrder;
                    changes.push((days(d, 3 + self.rng.below(5) as i64), ls));
                }
            }
            LegalStatus::EmergencyProtectionOrder => {
                ls = LegalStatus::InterimCareOrder;
                changes.push((days(entry, 3 + self.rng.below(5) as i64), ls));
            }
            // Adoption needs care proceedings; some other section 20 children's plans do too.
            LegalStatus::Section20SinglePeriod if plan.exit == Exit::Adoption => {
                ls = LegalStatus::InterimCareOrder;
                changes.push((days(entry, 20 + self.rng.below(60) as i64), ls));
            }
            LegalStatus::Section20SinglePeriod if !self.uasc && plan.exit != Exit::Home && self.rng.chance(0.65) => {
                ls = LegalStatus::InterimCareOrder;
                changes.push((days(entry, 20 + self.rng.below(100) as i64), ls));
            }
            _ => {}
        }
        if ls == LegalStatus::InterimCareOrder {
            let last = changes.last().map_or(entry, |c| c.0);
            let to = if plan.exit == Exit::Adoption { LegalStatus::PlacementOrder } else { LegalStatus::FullCareOrder };
            // Proceedings end within 26 weeks (CA 1989 s32), most in the last two months.
            changes.push((days(last, 110 + self.rng.below(70) as i64), to));
        }
        let mut adoption: Option<(NaiveDate, NaiveDate, NaiveDate)> = None;
        if plan.exit == Exit::Adoption {
            // Decision, placement order, match and placement, then the adoption order at least
            // ten weeks after the placement.
            let order = changes.iter().find(|c| c.1 == LegalStatus::PlacementOrder).map_or(days(entry, 240), |c| c.0);
            let decision = days(order, -(20 + self.rng.below(60) as i64)).max(days(entry, 14));
            let matched = days(order, 40 + self.rng.below(100) as i64);
            let placed = days(matched, 10 + self.rng.below(25) as i64);
            adoption = Some((decision, matched, placed));
            let adopted = days(placed, 70 + self.rng.below(200) as i64);
            let eighteen = self.birthday(18);
            plan.end = (adopted <= end && adopted < eighteen).then_some(adopted);
        }
        let stop = plan.end.unwrap_or(days(end, 1));
        if let Some(period) = self.care_periods.last_mut() {
            period.1 = plan.end;
        }

        // IRO within 5 working days.
        self.iro_post = Some(self.ctx.org.pick(Service::IndependentReviewing, &mut self.rng));
        let iro_day = wd(entry, 1 + self.rng.below(3) as u32);
        if iro_day < stop && iro_day <= end {
            let iro = self.worker_of(self.iro_post.expect("set"), iro_day);
            self.push_manager(iro_day, ChildEvent::IroAppointed { iro });
        }
        changes.retain(|c| c.0 < stop);
        // The child is told about advocacy and how to complain, by the first review.
        let advocacy = wd(entry, 1 + self.rng.below(12) as u32);
        if advocacy < stop && advocacy <= end {
            let accepted = self.rng.chance(0.4);
            self.push(advocacy, ChildEvent::AdvocacyOffered { accepted });
        }
        self.complaints(entry, stop);

        // Placements: moves at the age band's rate, each move a new carer.
        let mut moves: Vec<(NaiveDate, Placement, ReasonPlaceChange, bool)> = Vec::new();
        let mut current = plan.placement.clone();
        let mut at = entry;
        let rate = model::MOVES_PER_YEAR[plan.band] * if self.uasc { 0.6 } else { 1.0 };
        loop {
            let gap = 7 + self.rng.exponential(365.0 / rate) as i64;
            at = days(at, gap);
            if at >= stop || adoption.is_some_and(|a| at >= days(a.2, -14)) {
                break;
            }
            let planned = self.rng.chance(0.45);
            let reason = if planned {
                [ReasonPlaceChange::CarePlan, ReasonPlaceChange::LaRequest][self.rng.weighted(&[0.8, 0.2])]
            } else {
                [
                    ReasonPlaceChange::CarerRequestBehaviour,
                    ReasonPlaceChange::CarerRequestOther,
                    ReasonPlaceChange::ChildRequest,
                    ReasonPlaceChange::StandardsConcern,
                    ReasonPlaceChange::ProviderClosed,
                    ReasonPlaceChange::Allegation,
                ][self.rng.weighted(&[0.35, 0.25, 0.15, 0.1, 0.1, 0.05])]
            };
            let band = model::age_band(self.age_on(at));
            let status = changes.iter().rev().find(|c| c.0 <= at).map_or(plan.legal_status, |c| c.1);
            let kind = self.placement_type(at, band, plan.exit, status);
            let next = self.new_placement(at, kind);
            moves.push((at, next.clone(), reason, planned));
            current = next;
        }
        // Foster placements that last become long-term with the same carers.
        let mut long_term: Option<NaiveDate> = None;
        if matches!(current.placement_type, PlacementType::FosterOtherOther | PlacementType::FosterRelativeOther)
            && plan.exit == Exit::Adulthood
        {
            let since = moves.last().map_or(entry, |m| m.0);
            let d = days(since, 300 + self.rng.below(300) as i64);
            if d < stop {
                long_term = Some(d);
            }
        }
        // Supported accommodation was coded H5 until 2024-25 and K3 from then: recode on 1 April 2024.
        let recode_day = NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid");

        // Build a timeline of placement spans to schedule visits.
        let mut spans: Vec<(NaiveDate, Placement)> = vec![(entry, plan.placement.clone())];
        let mut pending: Vec<(NaiveDate, u8, ChildEvent, bool)> = Vec::new(); // (date, order, event, by_manager)
        for (date, ls) in &changes {
            if *date <= end {
                pending.push((*date, 1, ChildEvent::LegalStatusChanged { legal_status: *ls }, false));
            }
        }
        let mut emergency_moves: Vec<NaiveDate> = Vec::new();
        for (date, placement, reason, planned) in &moves {
            if *date > end {
                continue;
            }
            // With no notice before the move, the carer is told in writing within 10 working
            // days after (CPPCR reg 14(3)); the injected failure is that they never are.
            let unnotified = self.inject(*date, self.ctx.failures.unnotified_placement_end);
            let notice = if unnotified {
                let due = wd(*date, 10);
                if due <= end {
                    self.record_failure(
                        "pl-terminate",
                        due,
                        format!("placement ended on {date} with no notice to the carer, then or after"),
                    );
                }
                None
            } else if *planned {
                Some(CarerNotice::Given {
                    on: days(*date, -(7 + self.rng.below(21) as i64)).max(spans.last().map_or(entry, |s| s.0)),
                })
            } else {
                let told = wd(*date, 1 + self.rng.below(8) as u32);
                if told <= end {
                    pending.push((told, 5, ChildEvent::CarerNotifiedOfEnding {}, false));
                }
                // The IRO is told that day or the next working day (reg 14(3)(b)), and the
                // case reviewed within 20 working days.
                let iro_told = wd(*date, self.rng.below(2) as u32);
                if iro_told <= end {
                    pending.push((iro_told, 6, ChildEvent::IroInformedOfEnding {}, false));
                }
                emergency_moves.push(*date);
                Some(self.emergency_notice(*date, reason.description()))
            };
            pending.push((
                *date,
                2,
                ChildEvent::PlacementChanged { placement: placement.clone(), reason: *reason, notice },
                false,
            ));
            spans.push((*date, placement.clone()));
        }
        if let Some(d) = long_term
            && d <= end
        {
            let mut p = spans.last().expect("a first placement").1.clone();
            p.placement_type = if p.placement_type == PlacementType::FosterRelativeOther {
                PlacementType::FosterRelativeLongTerm
            } else {
                PlacementType::FosterOtherLongTerm
            };
            pending.push((
                d,
                2,
                ChildEvent::PlacementChanged {
                    placement: p.clone(),
                    reason: ReasonPlaceChange::StatusChangeOnly,
                    notice: Some(CarerNotice::Given { on: d }),
                },
                false,
            ));
            spans.push((d, p));
        }
        spans.sort_by_key(|s| s.0);
        // Recode supported accommodation placements open on 1 April 2024.
        if entry < recode_day && recode_day < stop && recode_day <= end {
            let open = spans.iter().rev().find(|s| s.0 <= recode_day).map(|s| s.1.clone());
            if let Some(mut p) = open
                && p.placement_type == PlacementType::SemiIndependentLiving
            {
                p.placement_type = PlacementType::SupportedAccommodation;
                pending.push((
                    recode_day,
                    2,
                    ChildEvent::PlacementChanged {
                        placement: p.clone(),
                        reason: ReasonPlaceChange::StatusChangeOnly,
                        notice: Some(CarerNotice::Given { on: recode_day }),
                    },
                    false,
                ));
                spans.push((recode_day, p));
                spans.sort_by_key(|s| s.0);
            }
        }
        // Placements made after the recode day are never H5 (placement_type chose by date).
        if let Some((decision, matched, placed)) = adoption {
            if decision < stop && decision <= end {
                pending.push((decision, 0, ChildEvent::AdoptionDecisionMade {}, true));
            }
            if matched < stop && matched <= end {
                let couple = self.rng.chance(0.85);
                let foster_carers =
                    spans.last().is_some_and(|s| s.1.placement_type == PlacementType::FosterOtherForAdoption);
                let (sex, legal_status) = if couple {
                    [
                        (AdopterSex::MaleAndFemale, AdopterLegalStatus::MarriedDifferentSex),
                        (AdopterSex::MaleAndFemale, AdopterLegalStatus::UnmarriedDifferentSex),
                        (AdopterSex::FemaleCouple, AdopterLegalStatus::MarriedSameSex),
                        (AdopterSex::MaleCouple, AdopterLegalStatus::CivilPartners),
                    ][self.rng.weighted(&[0.6, 0.2, 0.1, 0.1])]
                } else {
                    (AdopterSex::SingleFemale, AdopterLegalStatus::Single)
                };
                pending.push((
                    matched,
                    3,
                    ChildEvent::MatchedWithAdopters {
                        adopters: if couple { 2 } else { 1 },
                        sex,
                        legal_status,
                        foster_carers,
                    },
                    false,
                ));
            }
            if placed < stop && placed <= end {
                let with_carers =
                    spans.last().is_some_and(|s| s.1.placement_type == PlacementType::FosterOtherForAdoption);
                let mut p = if with_carers {
                    spans.last().expect("a placement").1.clone()
                } else {
                    self.new_placement(placed, PlacementType::FosterOtherOther)
                };
                let order_made = changes.iter().any(|c| c.1 == LegalStatus::PlacementOrder && c.0 <= placed);
                p.placement_type = match (order_made, with_carers) {
                    (true, true) => PlacementType::AdoptionPlacementOrderCurrentCarers,
                    (true, false) => PlacementType::AdoptionPlacementOrderOtherCarers,
                    (false, true) => PlacementType::AdoptionConsentCurrentCarers,
                    (false, false) => PlacementType::AdoptionConsentOtherCarers,
                };
                pending.push((
                    placed,
                    4,
                    ChildEvent::PlacementChanged {
                        placement: p.clone(),
                        reason: ReasonPlaceChange::CarePlan,
                        notice: Some(CarerNotice::Given { on: days(placed, -14) }),
                    },
                    false,
                ));
                spans.push((placed, p));
            }
        }
        // Record the planned changes in date order (same-day: status, move, match, placement).
        pending.sort_by_key(|p| (p.0, p.1));
        let mut significant: Vec<NaiveDate> = Vec::new();
        for (date, _, event, by_manager) in pending {
            let planned_move =
                matches!(&event, ChildEvent::PlacementChanged { notice: Some(CarerNotice::Given { .. }), .. });
            if planned_move {
                significant.push(date);
            }
            if by_manager {
                self.push_manager(date, event);
            } else {
                self.push(date, event);
            }
        }

        // Planned changes are proposed, discussed with the IRO and considered at a review
        // before they happen (CPPCR reg 32(2), reg 14): proposal, IRO consulted, review,
        // approval, then the change. The planned ending of care is one of them.
        let planned_ending = plan.end.filter(|_| {
            matches!(plan.exit, Exit::Adoption | Exit::SpecialGuardianship | Exit::Adulthood)
                || (plan.exit == Exit::Home && self.rng.chance(0.75))
        });
        let mut changes_to_plan: Vec<(NaiveDate, &'static str, ProposedChange)> =
            significant.iter().map(|m| (*m, "Move to a new placement", ProposedChange::Placement)).collect();
        if let Some(e) = planned_ending {
            changes_to_plan.push((e, "Cease to be looked after", ProposedChange::EndOfCare));
        }
        // A placement ended at once is reviewed afterwards, within 20 working days.
        let mut early_reviews: Vec<NaiveDate> =
            emergency_moves.iter().map(|d| wd(*d, 3 + self.rng.below(15) as u32)).collect();
        let mut previous_change = entry;
        let mut ending_prepared = false;
        for (m, what, proposes) in changes_to_plan {
            if m > end || m <= days(previous_change, 2) {
                previous_change = m;
                continue;
            }
            if Some(m) == planned_ending {
                ending_prepared = true;
            }
            let proposed = days(m, -(4 + self.rng.below(9) as i64)).max(days(previous_change, 1));
            let review = days(proposed, self.rng.below(((m - proposed).num_days() - 1).max(1) as u64) as i64);
            self.push(
                proposed,
                ChildEvent::CarePlanChangeProposed { change: what.into(), significant: true, proposes: Some(proposes) },
            );
            self.push_iro(proposed, ChildEvent::IroConsulted {});
            early_reviews.push(review);
            let approver = self.worker_of(self.ctx.org.manager_of(self.post.expect("allocated")), review);
            // Approved after the review, before (or on the morning of) the change.
            self.pending_approvals.push((review, approver));
            previous_change = m;
        }

        // Reviews: within 20 working days, then within 3 months of the first, then within 6
        // months of the previous, whenever that actually was (CPPCR reg 33); early reviews for
        // planned changes take their place in the chain. A child authorised for adoption is
        // reviewed within 3 months of the placement order, and one placed for adoption within 4
        // weeks of the placement and 3 months after that (AAR reg 36).
        let placed_on = adoption.map(|a| a.2).filter(|p| *p < stop && *p <= end);
        let order_on = changes.iter().find(|c| c.1 == LegalStatus::PlacementOrder).map(|c| c.0);
        let mut review_dates: Vec<NaiveDate> = Vec::new();
        let mut last = entry;
        let mut count = 0;
        loop {
            let regular = match count {
                0 => wd(entry, 20),
                1 => months(last, 3),
                _ => months(last, 6),
            };
            // The placement or placement order an adoption review must follow, if one sets the
            // limit.
            let mut limit = regular;
            let mut after: Option<NaiveDate> = None;
            if let Some(p) = placed_on {
                if last <= p && days(p, 28) < limit {
                    limit = days(p, 28);
                    after = Some(p);
                } else if last > p && review_dates.iter().filter(|r| **r > p).count() == 1 && months(last, 3) < limit {
                    limit = months(last, 3);
                    after = Some(last);
                }
            }
            if let Some(o) = order_on
                && last <= o
                && placed_on.is_none_or(|p| p > o)
                && months(o, 3) < limit
            {
                limit = months(o, 3);
                after = Some(o);
            }
            let adoption_review = after.is_some();
            let next = match count {
                _ if adoption_review => days(limit, -(1 + self.rng.below(7) as i64)).max(days(last, 1)),
                0 => wd(entry, 10 + self.rng.below(8) as u32),
                1 => days(limit, -(5 + self.rng.below(20) as i64)),
                _ => days(limit, -(5 + self.rng.below(30) as i64)),
            };
            // An adoption review is held after the placement order or placement it follows.
            let mut next = after.map_or(next, |a| next.max(days(a, 1)));
            if let Some(e) =
                early_reviews.iter().copied().find(|e| *e >= last && *e <= next && (*e > last || count == 0))
            {
                next = e;
            } else if !adoption_review && self.inject(limit, self.ctx.failures.overdue_review) {
                let late = days(limit, 3 + self.rng.below(25) as i64);
                // Not past an early review, which would then be the one that was late.
                if early_reviews.iter().all(|e| *e < last || *e > late) {
                    next = late;
                    if limit < stop && limit <= end {
                        let rule = match count {
                            0 => "rev-1",
                            1 => "rev-2",
                            _ => "rev-n",
                        };
                        self.record_failure(rule, limit, format!("review due on {limit} after {last} held on {next}"));
                    }
                }
            }
            if next >= stop || next > end {
                break;
            }
            review_dates.push(next);
            last = next;
            count += 1;
        }
        for r in &review_dates {
            let participation = if self.age_on(*r) < 4 {
                ReviewParticipation::UnderFour
            } else {
                [
                    ReviewParticipation::AttendsAndSpeaks,
                    ReviewParticipation::AttendsAdvocateSpeaks,
                    ReviewParticipation::AbsentViewsConveyed,
                    ReviewParticipation::AbsentAdvocateBriefed,
                    ReviewParticipation::AbsentNoViews,
                ][self.rng.weighted(&[0.45, 0.1, 0.3, 0.1, 0.05])]
            };
            self.push_iro(*r, ChildEvent::StatutoryReviewHeld { participation });
            let approvals: Vec<(NaiveDate, WorkerId)> =
                self.pending_approvals.iter().copied().filter(|(d, _)| d == r).collect();
            for (d, approver) in approvals {
                self.push_manager(d, ChildEvent::CarePlanChangeApproved { approved_by: approver });
            }
        }
        self.pending_approvals.clear();

        // Statutory visits (CPPCR reg 28): within a week of each new placement, then at most
        // every 6 weeks in its first year and after (every 3 months in a long-term foster
        // placement after the first year); a child at home on an interim care order weekly until
        // the first review and then every 4 weeks; a child at home under a care order within a
        // week of the order and then every 6 weeks; a child placed for adoption weekly until the
        // first review after the placement and then every 6 weeks (AAR reg 36).
        let status_on = |date: NaiveDate| changes.iter().rev().find(|c| c.0 <= date).map_or(plan.legal_status, |c| c.1);
        let placement_on =
            |date: NaiveDate| spans.iter().rev().find(|s| s.0 <= date).map_or(&plan.placement, |s| &s.1).clone();
        // Visiting starts afresh with a new carer, a placement for adoption, or a care order for
        // a child living at home.
        let mut starts: Vec<NaiveDate> = Vec::new();
        for (i, (from, placement)) in spans.iter().enumerate() {
            let new = match i {
                0 => true,
                _ => {
                    let previous = &spans[i - 1].1;
                    previous.carer != placement.carer
                        || (placement.placement_type.is_placed_for_adoption()
                            && !previous.placement_type.is_placed_for_adoption())
                }
            };
            if new {
                starts.push(*from);
            }
        }
        for (date, ls) in &changes {
            if *ls == LegalStatus::FullCareOrder && placement_on(*date).placement_type == PlacementType::WithParents {
                starts.push(*date);
            }
        }
        starts.sort();
        starts.dedup();
        let first_review = review_dates.first().copied();
        for (i, from) in starts.iter().copied().enumerate() {
            let to = starts.get(i + 1).copied().unwrap_or(stop).min(stop);
            if from >= to {
                continue;
            }
            let first = days(from, 1 + self.rng.below(5) as i64);
            if first >= to || first > end {
                continue;
            }
            self.visit(first, VisitKind::LookedAfter);
            let mut last = first;
            loop {
                let placement = placement_on(last);
                let kind = placement.placement_type;
                let ls = status_on(last);
                let weekly = (5 + self.rng.below(3)) as i64;
                let (mut next, limit, rule) = if kind.is_placed_for_adoption() {
                    let reviewed = review_dates.iter().any(|r| *r > from && *r <= last);
                    if reviewed {
                        (days(last, 28 + self.rng.below(11) as i64), days(last, 42), None)
                    } else {
                        (days(last, weekly), days(last, 7), None)
                    }
                } else if kind == PlacementType::WithParents && ls == LegalStatus::InterimCareOrder {
                    if first_review.is_none_or(|r| last < r) {
                        (days(last, weekly), days(last, 7), None)
                    } else {
                        (days(last, 21 + self.rng.below(7) as i64), days(last, 28), None)
                    }
                } else if kind == PlacementType::WithParents && ls == LegalStatus::FullCareOrder {
                    (days(last, 28 + self.rng.below(11) as i64), days(last, 42), None)
                } else {
                    let long_term =
                        matches!(kind, PlacementType::FosterOtherLongTerm | PlacementType::FosterRelativeLongTerm);
                    let in_first_year = last < add_months(from, 12).unwrap_or(from);
                    if long_term && !in_first_year {
                        (days(last, 70 + self.rng.below(14) as i64), months(last, 3), Some("visit-after-year1"))
                    } else {
                        let rule = if in_first_year { "visit-year1" } else { "visit-after-year1" };
                        (days(last, 28 + self.rng.below(11) as i64), days(last, 42), Some(rule))
                    }
                };
                if let Some(rule) = rule
                    && limit < to
                    && self.inject(limit, self.ctx.failures.late_visit)
                {
                    next = days(limit, 3 + self.rng.below(20) as i64);
                    self.record_failure(
                        rule,
                        limit,
                        format!("statutory visit due on {limit} after {last} came on {next}"),
                    );
                }
                if next >= to || next > end {
                    break;
                }
                self.visit(next, VisitKind::LookedAfter);
                last = next;
            }
        }

        // Health and education.
        // The initial health assessment before the first review (CPPCR reg 7(1)), which is
        // sometimes held early.
        let iha = wd(entry, 8 + self.rng.below(10) as u32);
        let iha = first_review.filter(|r| *r >= entry).map_or(iha, |r| iha.min(r));
        if iha < stop && iha <= end && self.dob <= entry {
            self.push(iha, ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Initial });
            self.sdq(iha);
            let mut last = iha;
            loop {
                let under_5 = self.age_on(last) < 5;
                let next = if under_5 {
                    days(months(last, 6), -(3 + self.rng.below(20) as i64))
                } else {
                    days(months(last, 12), -(5 + self.rng.below(40) as i64))
                };
                if next >= stop || next > end {
                    break;
                }
                self.push(next, ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Review });
                if !under_5 {
                    self.push(next, ChildEvent::DentalCheckCompleted {});
                    let up_to_date = self.rng.chance(0.9);
                    self.push(next, ChildEvent::ImmunisationsRecorded { up_to_date });
                }
                self.sdq(next);
                last = next;
            }
        }
        // A personal education plan from the age of 3 (early years) or from entry.
        let pep_from = entry.max(self.birthday(3));
        if self.dob <= entry && pep_from < stop && self.age_on(pep_from) < 18 {
            let pep = wd(pep_from, 8 + self.rng.below(10) as u32);
            let mut last = pep;
            let mut first = true;
            loop {
                let next = if first { pep } else { days(last, 100 + self.rng.below(20) as i64) };
                first = false;
                if next >= stop || next > end || self.age_on(next) >= 18 {
                    break;
                }
                self.push(next, ChildEvent::PepReviewed {});
                last = next;
            }
        }

        // Missing episodes for some teenagers, each followed by a return interview offer
        // within 72 hours.
        if self.age_on(entry) >= 11 && self.rng.chance(model::MISSING_PRONE) {
            let mut at = entry;
            loop {
                at = days(at, 5 + self.rng.exponential(365.0 / model::MISSING_PER_YEAR) as i64);
                let back = days(at, 1 + self.rng.below(2) as i64);
                if back >= stop || back > end {
                    break;
                }
                let kind = if self.rng.chance(0.7) { MissingType::Missing } else { MissingType::Away };
                let left = at.and_time(NaiveTime::from_hms_opt(16 + self.rng.below(7) as u32, 0, 0).expect("valid"));
                let returned = back.and_time(NaiveTime::from_hms_opt(self.rng.below(12) as u32, 30, 0).expect("valid"));
                self.push(at, ChildEvent::MissingEpisodeStarted { missing: kind, at: left });
                self.push(back, ChildEvent::MissingEpisodeEnded { returned_at: returned });
                let offered: NaiveDateTime = returned + chrono::Duration::hours(4 + self.rng.below(40) as i64);
                // Offered even if care has ended since: the duty follows the child.
                if offered.date() <= end {
                    let accepted = self.rng.chance(0.6);
                    self.push(offered.date(), ChildEvent::ReturnInterviewOffered { offered_at: offered, accepted });
                    let held = offered + chrono::Duration::hours(2 + self.rng.below(20) as i64);
                    if accepted && held.date() <= end {
                        self.push(held.date(), ChildEvent::ReturnInterviewHeld { held_at: held });
                    }
                }
                at = back;
            }
        }

        // Leaving care planning: a personal adviser on the day the child becomes an eligible
        // child (16 or 17, with 13 weeks of care since 14), and the assessment of needs and the
        // pathway plan soon after, within 3 months and before 18; the plan is reviewed at most
        // 6 months apart until 21.
        if !self.pathway_plan
            && let Some(eligible) = self.eligible_from()
        {
            if !self.adviser && eligible <= end {
                let pa = self.ctx.org.pick(Service::LeavingCare, &mut self.rng);
                let worker = self.worker_of(pa, eligible);
                self.push_manager(eligible, ChildEvent::PersonalAdviserAllocated { worker });
                self.adviser = true;
            }
            let before_18 = days(self.birthday(18), -1);
            let due = months(eligible, 3).min(before_18).max(eligible);
            let day = days(eligible, 5 + self.rng.below(30) as i64).min(due);
            if day <= end {
                self.push(day, ChildEvent::NeedsAssessmentCompleted {});
                self.push(day, ChildEvent::PathwayPlanCompleted {});
                self.pathway_plan = true;
                self.pathway_reviews(day);
            }
        }
        self.follow_turnover(entry, stop);

        // The ending.
        let Some(care_end) = plan.end else { return Outcome::Running };
        let reason = match plan.exit {
            Exit::Adoption => {
                if self.rng.chance(0.9) {
                    ReasonEpisodeCeased::AdoptedUnopposed
                } else {
                    ReasonEpisodeCeased::AdoptedConsentDispensed
                }
            }
            Exit::SpecialGuardianship => {
                let reason = [
                    ReasonEpisodeCeased::SgoFosterCarersRelatives,
                    ReasonEpisodeCeased::SgoFosterCarersOther,
                    ReasonEpisodeCeased::SgoOtherCarersRelatives,
                    ReasonEpisodeCeased::SgoOtherCarersOther,
                ][self.rng.weighted(&[0.5, 0.1, 0.35, 0.05])];
                // An order to former foster carers needs the child to be with them (rule 516).
                let fostered = spans.last().is_some_and(|s| s.1.placement_type.is_foster());
                match reason {
                    ReasonEpisodeCeased::SgoFosterCarersRelatives if !fostered => {
                        ReasonEpisodeCeased::SgoOtherCarersRelatives
                    }
                    ReasonEpisodeCeased::SgoFosterCarersOther if !fostered => ReasonEpisodeCeased::SgoOtherCarersOther,
                    r => r,
                }
            }
            Exit::Home => {
                if planned_ending.is_some() {
                    ReasonEpisodeCeased::ReturnedHomePlanned
                } else {
                    ReasonEpisodeCeased::ReturnedHomeUnplanned
                }
            }
            Exit::Adulthood => {
                let fostered = spans.last().is_some_and(|s| s.1.placement_type.is_foster());
                if self.uasc && self.rng.chance(0.05) {
                    ReasonEpisodeCeased::AgeAssessedOver18
                } else if fostered && self.rng.chance(0.45) {
                    ReasonEpisodeCeased::StayingPut
                } else {
                    [
                        ReasonEpisodeCeased::IndependentLivingSupported,
                        ReasonEpisodeCeased::IndependentLivingUnsupported,
                        ReasonEpisodeCeased::Other,
                    ][self.rng.weighted(&[0.7, 0.15, 0.15])]
                }
            }
            Exit::Other if self.uasc => ReasonEpisodeCeased::AgeAssessedOver18,
            Exit::Other => [
                ReasonEpisodeCeased::PersonWithoutParentalResponsibility,
                ReasonEpisodeCeased::ChildArrangementsOrder,
                ReasonEpisodeCeased::AnotherLa,
                ReasonEpisodeCeased::Custody,
                ReasonEpisodeCeased::Other,
            ][self.rng.weighted(&[0.35, 0.2, 0.15, if self.age_on(care_end) >= 10 { 0.1 } else { 0.0 }, 0.2])],
        };
        let planned = ending_prepared;
        let notice = if planned {
            Some(CarerNotice::Given {
                on: days(care_end, -(7 + self.rng.below(14) as i64)).max(spans.last().map_or(entry, |s| s.0)),
            })
        } else {
            Some(self.emergency_notice(care_end, reason.description()))
        };
        let emergency = matches!(notice, Some(CarerNotice::Emergency { .. }));
        self.push(care_end, ChildEvent::CeasedToBeLookedAfter { reason, notice });
        // Care that ends at once: the carer is told in writing within 10 working days after,
        // and the IRO that day or the next working day.
        if emergency {
            let told = wd(care_end, 1 + self.rng.below(8) as u32);
            if told <= end {
                self.push(told, ChildEvent::CarerNotifiedOfEnding {});
            }
            let iro_told = wd(care_end, self.rng.below(2) as u32);
            if iro_told <= end {
                self.push(iro_told, ChildEvent::IroInformedOfEnding {});
            }
        }
        if reason == ReasonEpisodeCeased::StayingPut {
            self.push(care_end, ChildEvent::StayingPutAgreed {});
        }
        // Found to be an adult: no longer an unaccompanied asylum-seeking child, nor a child,
        // so never referred again (903 rule 437: nothing follows E15).
        let adult = reason == ReasonEpisodeCeased::AgeAssessedOver18;
        if adult {
            self.push(care_end, ChildEvent::UascStatusChanged { uasc: false });
        }
        match plan.exit {
            Exit::Adoption => match self.close(care_end, ReasonForClosure::Adopted) {
                Outcome::Closed(_) => Outcome::Finished,
                other => other,
            },
            Exit::SpecialGuardianship => self.close(care_end, ReasonForClosure::SpecialGuardianshipOrder),
            Exit::Home => self.cin_plan_then_close(care_end),
            Exit::Other => match self.close(care_end, ReasonForClosure::OtherReason) {
                Outcome::Closed(_) if adult => Outcome::Finished,
                other => other,
            },
            Exit::Adulthood => {
                let _ = self.close(care_end, ReasonForClosure::OtherReason);
                self.care_leaver(care_end);
                Outcome::Finished
            }
        }
    }

    /// The day the child became an eligible child (CA 1989 Sch 2 para 19B): 16 or 17, looked
    /// after, and looked after for 13 weeks (91 days) in all since turning 14.
    fn eligible_from(&self) -> Option<NaiveDate> {
        let (fourteen, sixteen, eighteen) = (self.birthday(14), self.birthday(16), self.birthday(18));
        let mut counted = 0i64;
        for (start, finish) in &self.care_periods {
            let from = (*start).max(fourteen);
            let until = finish.unwrap_or(NaiveDate::MAX);
            if until <= from {
                continue;
            }
            let reaches = days(from, 91 - counted);
            let candidate = reaches.max(sixteen).max(*start);
            if candidate < until && candidate < eighteen {
                return Some(candidate);
            }
            counted += (until.min(eighteen) - from).num_days().max(0);
        }
        None
    }

    /// Pathway plan reviews at most 6 months apart, from `from` to the 21st birthday.
    fn pathway_reviews(&mut self, from: NaiveDate) {
        let twenty_one = self.birthday(21);
        let mut p = from;
        loop {
            p = days(months(p, 6), -(5 + self.rng.below(20) as i64));
            if p >= twenty_one || p > self.ctx.end {
                break;
            }
            self.push(p, ChildEvent::PathwayPlanReviewed {});
        }
    }

    /// A Strengths and Difficulties Questionnaire with a health assessment, for a child of 4 to
    /// 16.
    fn sdq(&mut self, date: NaiveDate) {
        if (4..=16).contains(&self.age_on(date)) {
            let outcome = if self.rng.chance(0.85) {
                SdqOutcome::Score { score: self.rng.below(41) as u8 }
            } else {
                SdqOutcome::NotCompleted { reason: SdqReason::CarerRefused }
            };
            self.push(date, ChildEvent::SdqRecorded { outcome });
        }
    }

    /// Complaints by a looked-after child between `from` and `until`, each answered at stage 1
    /// within 10 working days, and some taken to stage 2 and answered within 25.
    fn complaints(&mut self, from: NaiveDate, until: NaiveDate) {
        const ABOUT: [&str; 6] = [
            "Contact with my brother keeps being cancelled",
            "I was not told I was moving placement",
            "My social worker has changed again",
            "My allowance was paid late",
            "I was not invited to my review",
            "My carers will not let me see my friends",
        ];
        let end = self.ctx.end;
        let mut at = from;
        loop {
            at = days(at, 30 + self.rng.exponential(365.0 / model::COMPLAINTS_PER_YEAR) as i64);
            if at >= until || at > end {
                break;
            }
            let summary = ABOUT[self.rng.below(ABOUT.len() as u64) as usize].to_string();
            self.push(
                at,
                ChildEvent::ComplaintReceived { stage: ComplaintStage::LocalResolution, summary: summary.clone() },
            );
            let finding = [ComplaintFinding::Upheld, ComplaintFinding::PartlyUpheld, ComplaintFinding::NotUpheld]
                [self.rng.weighted(&[0.3, 0.3, 0.4])];
            let answered = wd(at, 3 + self.rng.below(7) as u32);
            if answered > end {
                break;
            }
            self.push(answered, ChildEvent::ComplaintResponded { stage: ComplaintStage::LocalResolution, finding });
            at = answered;
            if finding != ComplaintFinding::Upheld && self.rng.chance(0.15) {
                let escalated = wd(answered, 5 + self.rng.below(15) as u32);
                if escalated > end {
                    break;
                }
                self.push(escalated, ChildEvent::ComplaintReceived { stage: ComplaintStage::Investigation, summary });
                let answered = wd(escalated, 12 + self.rng.below(13) as u32);
                if answered > end {
                    break;
                }
                let finding = [ComplaintFinding::Upheld, ComplaintFinding::PartlyUpheld, ComplaintFinding::NotUpheld]
                    [self.rng.weighted(&[0.25, 0.35, 0.4])];
                self.push(answered, ChildEvent::ComplaintResponded { stage: ComplaintStage::Investigation, finding });
                at = answered;
            }
        }
    }

    /// After leaving care at 18: personal adviser contact around each birthday to 21.
    fn care_leaver(&mut self, left: NaiveDate) {
        let end = self.ctx.end;
        if !self.pathway_plan {
            let day = days(left, 1 + self.rng.below(20) as i64);
            if day > end {
                return;
            }
            self.push(day, ChildEvent::PathwayPlanCompleted {});
            self.pathway_plan = true;
            self.pathway_reviews(day);
        }
        for age in 18..=21 {
            let birthday = self.birthday(age);
            let contact = days(birthday, self.rng.below(60) as i64 - 30).max(days(left, 1));
            if contact > end {
                break;
            }
            let in_touch = [InTouch::Yes, InTouch::No, InTouch::Refused][self.rng.weighted(&[0.88, 0.07, 0.05])];
            let (activity, accommodation, suitable) = if in_touch == InTouch::Yes {
                let activity = [
                    CareLeaverActivity::EducationFullTime,
                    CareLeaverActivity::HigherEducationFullTime,
                    CareLeaverActivity::TrainingOrEmploymentFullTime,
                    CareLeaverActivity::ApprenticeshipFullTime,
                    CareLeaverActivity::NeetOther,
                    CareLeaverActivity::NeetIllnessOrDisability,
                    CareLeaverActivity::NeetPregnancyOrParenting,
                ][self.rng.weighted(&[0.2, 0.07, 0.2, 0.05, 0.3, 0.1, 0.08])];
                let accommodation = [
                    CareLeaverAccommodation::Independent,
                    CareLeaverAccommodation::SemiIndependent,
                    CareLeaverAccommodation::FormerFosterCarers,
                    CareLeaverAccommodation::ParentsOrRelatives,
                    CareLeaverAccommodation::SupportedLodgings,
                    CareLeaverAccommodation::Foyer,
                    CareLeaverAccommodation::Emergency,
                ][self.rng.weighted(&[0.4, 0.15, 0.12, 0.12, 0.08, 0.06, 0.07])];
                let suitable = accommodation != CareLeaverAccommodation::Emergency && self.rng.chance(0.9);
                (Some(activity), Some(accommodation), Some(suitable))
            } else {
                (None, None, None)
            };
            self.push(
                contact,
                ChildEvent::CareLeaverContact { in_touch, activity, accommodation, accommodation_suitable: suitable },
            );
        }
    }
}
