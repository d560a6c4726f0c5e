//! DfE code sets, each an enum whose serialised form is DfE's own code.
//!
//! Code sets change between collection years; when one does, the enum grows and the record's
//! entry checks say which codes a given year accepts.

/// Declares an enum whose variants are DfE codes with DfE's descriptions.
macro_rules! dfe_codes {
    (
        $(#[$doc:meta])*
        $name:ident, $what:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $code:literal : $description:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $( $(#[$vdoc])* #[doc = $description] $variant ),+
        }

        impl $name {
            /// Every code, in DfE's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What this code set is, in words, for messages.
            pub const WHAT: &'static str = $what;

            /// DfE's code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// DfE's description.
            pub fn description(self) -> &'static str {
                match self { $($name::$variant => $description),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::codes::CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.code().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| $crate::codes::CodeError {
                        what: $what,
                        input: s.to_string(),
                        allowed: $name::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::codes::CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.code()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

/// A code that is not in its code set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a {what} code; the codes are {allowed}")]
pub struct CodeError {
    pub what: &'static str,
    pub input: String,
    pub allowed: String,
}

dfe_codes!(
    /// A child's sex as recorded in the record (the returns map it to their own codes).
    Sex, "sex" {
        Male = "M": "Male",
        Female = "F": "Female",
        NotKnown = "U": "Not known or not recorded",
    }
);

dfe_codes!(
    /// Who made a contact or referral (CIN census `ReferralSource`).
    ReferralSource, "referral source" {
        Family = "1A": "Individual: family member, relative or carer",
        Acquaintance = "1B": "Individual: acquaintance (including neighbours and child minders)",
        SelfReferral = "1C": "Individual: self",
        OtherIndividual = "1D": "Individual: other",
        School = "2A": "Schools",
        EducationServices = "2B": "Education services",
        GeneralPractitioner = "3A": "Health services: GP",
        HealthVisitor = "3B": "Health services: health visitor",
        SchoolNurse = "3C": "Health services: school nurse",
        OtherPrimaryHealth = "3D": "Health services: other primary health services",
        AccidentAndEmergency = "3E": "Health services: A&E (accident and emergency)",
        OtherHealth = "3F": "Health services: other",
        Housing = "4": "Housing (LA housing or housing association)",
        LaSocialCare = "5A": "LA services: social care (for example adult social care)",
        LaOtherInternal = "5B": "LA services: other internal department",
        LaExternal = "5C": "LA services: external (for example from another LA)",
        EarlyHelp = "5D": "LA services: early help",
        Police = "6": "Police",
        OtherLegalAgency = "7": "Other legal agency (including courts, probation, immigration, CAFCASS, prison)",
        Other = "8": "Other",
        Anonymous = "9": "Anonymous",
        Unknown = "10": "Unknown",
    }
);

dfe_codes!(
    /// Ethnicity (DfE's 20 codes, the same in the 903 and the CIN census).
    Ethnicity, "ethnicity" {
        WhiteBritish = "WBRI": "White British",
        WhiteIrish = "WIRI": "White Irish",
        WhiteOther = "WOTH": "Any other White background",
        TravellerOfIrishHeritage = "WIRT": "Traveller of Irish heritage",
        GypsyRoma = "WROM": "Gypsy/Roma",
        WhiteAndBlackCaribbean = "MWBC": "White and Black Caribbean",
        WhiteAndBlackAfrican = "MWBA": "White and Black African",
        WhiteAndAsian = "MWAS": "White and Asian",
        MixedOther = "MOTH": "Any other mixed background",
        Indian = "AIND": "Indian",
        Pakistani = "APKN": "Pakistani",
        Bangladeshi = "ABAN": "Bangladeshi",
        AsianOther = "AOTH": "Any other Asian background",
        BlackCaribbean = "BCRB": "Black Caribbean",
        BlackAfrican = "BAFR": "Black African",
        BlackOther = "BOTH": "Any other Black background",
        Chinese = "CHNE": "Chinese",
        OtherEthnicGroup = "OOTH": "Any other ethnic group",
        Refused = "REFU": "Refused",
        NotObtained = "NOBT": "Information not yet obtained",
    }
);

dfe_codes!(
    /// A disability recorded in the CIN census.
    Disability, "disability" {
        None = "NONE": "No disability",
        Mobility = "MOB": "Mobility",
        HandFunction = "HAND": "Hand function",
        PersonalCare = "PC": "Personal care",
        Incontinence = "INC": "Incontinence",
        Communication = "COMM": "Communication",
        Learning = "LD": "Learning",
        Hearing = "HEAR": "Hearing",
        Vision = "VIS": "Vision",
        Behaviour = "BEH": "Behaviour",
        Consciousness = "CON": "Consciousness",
        Autism = "AUT": "Autism or Asperger syndrome",
        OtherDda = "DDA": "Other disability under the Disability Discrimination Act",
    }
);

dfe_codes!(
    /// Why a child's UPN is not known (903 and CIN census).
    UpnUnknown, "UPN-unknown reason" {
        Under6NotAtSchool = "UN1": "Child is aged under 6 years old and is not yet attending school",
        NeverAttendedSchoolInEngland = "UN2": "Child has never attended a school in England",
        EducatedOutsideSchool = "UN3": "Child is educated outside of school (for example home-schooled)",
        NewlyArrived = "UN4": "Child newly arrived (for example an unaccompanied asylum-seeking child) and not yet in school",
        IncompleteInformation = "UN5": "Sources collating UPNs reflect incomplete or inconsistent information",
        NotYetObtained = "UN6": "UPN not yet obtained from the school (CIN census)",
        ReferralNoFurtherAction = "UN7": "Referral with no further action (CIN census)",
    }
);

impl UpnUnknown {
    /// The 903 accepts UN1 to UN5; the CIN census more.
    pub fn valid_in_903(self) -> bool {
        matches!(
            self,
            UpnUnknown::Under6NotAtSchool
                | UpnUnknown::NeverAttendedSchoolInEngland
                | UpnUnknown::EducatedOutsideSchool
                | UpnUnknown::NewlyArrived
                | UpnUnknown::IncompleteInformation
        )
    }
}

dfe_codes!(
    /// The child's category of need (primary need code): CIN census `PrimaryNeedCode`, 903
    /// `CIN` (N1 to N8 only).
    Need, "category of need" {
        NotStated = "N0": "Not stated",
        AbuseOrNeglect = "N1": "Abuse or neglect",
        ChildsDisability = "N2": "Child's disability",
        ParentalIllnessOrDisability = "N3": "Parental illness or disability",
        FamilyInAcuteStress = "N4": "Family in acute stress",
        FamilyDysfunction = "N5": "Family dysfunction",
        SociallyUnacceptableBehaviour = "N6": "Socially unacceptable behaviour",
        LowIncome = "N7": "Low income",
        AbsentParenting = "N8": "Absent parenting",
        OtherThanChildInNeed = "N9": "Cases other than children in need",
    }
);

impl Need {
    /// The 903's CIN field takes N1 to N8.
    pub fn valid_in_903(self) -> bool {
        !matches!(self, Need::NotStated | Need::OtherThanChildInNeed)
    }
}

dfe_codes!(
    /// Why a child in need episode closed (CIN census `ReasonForClosure`).
    ReasonForClosure, "reason for closure" {
        Adopted = "RC1": "Adopted",
        Died = "RC2": "Died",
        ChildArrangementsOrder = "RC3": "Child arrangements order",
        SpecialGuardianshipOrder = "RC4": "Special guardianship order",
        TransferredToAnotherLa = "RC5": "Transferred to services of another local authority",
        TransferredToAdultServices = "RC6": "Transferred to adult social care services",
        OtherReason = "RC7": "Services ceased for any other reason, including child no longer in need",
        ClosedAfterAssessmentNoFurtherAction = "RC8": "Case closed after assessment, no further action",
        ClosedAfterAssessmentEarlyHelp = "RC9": "Case closed after assessment, referred to early help",
    }
);

dfe_codes!(
    /// A factor identified at assessment (CIN census `AssessmentFactors`). Suffix A concerns
    /// the child, B a parent or carer, C another person in the household.
    AssessmentFactor, "assessment factor" {
        AlcoholChild = "1A": "Alcohol misuse: child",
        AlcoholParent = "1B": "Alcohol misuse: parent or carer",
        AlcoholOther = "1C": "Alcohol misuse: other person in the household",
        DrugsChild = "2A": "Drug misuse: child",
        DrugsParent = "2B": "Drug misuse: parent or carer",
        DrugsOther = "2C": "Drug misuse: other person in the household",
        DomesticAbuseChild = "3A": "Domestic abuse: child",
        DomesticAbuseParent = "3B": "Domestic abuse: parent or carer",
        DomesticAbuseOther = "3C": "Domestic abuse: other person in the household",
        MentalHealthChild = "4A": "Mental health: child",
        MentalHealthParent = "4B": "Mental health: parent or carer",
        MentalHealthOther = "4C": "Mental health: other person in the household",
        LearningDisabilityChild = "5A": "Learning disability: child",
        LearningDisabilityParent = "5B": "Learning disability: parent or carer",
        LearningDisabilityOther = "5C": "Learning disability: other person in the household",
        PhysicalDisabilityChild = "6A": "Physical disability or illness: child",
        PhysicalDisabilityParent = "6B": "Physical disability or illness: parent or carer",
        PhysicalDisabilityOther = "6C": "Physical disability or illness: other person in the household",
        YoungCarer = "7A": "Young carer",
        PrivateFosteringOverseasEducation = "8B": "Privately fostered: overseas children who intend to return",
        PrivateFosteringOverseasNoReturn = "8C": "Privately fostered: overseas children who intend to stay",
        PrivateFosteringUkEducation = "8D": "Privately fostered: UK children in educational placements",
        PrivateFosteringUkFamilyBreakdown = "8E": "Privately fostered: UK children making alternative arrangements",
        PrivateFosteringOther = "8F": "Privately fostered: other",
        Uasc = "9A": "Unaccompanied asylum-seeking child",
        Missing = "10A": "Going or being missing",
        SexualExploitation = "11A": "Child sexual exploitation",
        Trafficking = "12A": "Trafficking",
        Gangs = "13A": "Gangs",
        SociallyUnacceptableBehaviour = "14A": "Socially unacceptable behaviour",
        SelfHarm = "15A": "Self-harm",
        Neglect = "16A": "Neglect",
        EmotionalAbuse = "17A": "Emotional abuse",
        PhysicalAbuseChildOnChild = "18B": "Physical abuse: child on child",
        PhysicalAbuseAdultOnChild = "18C": "Physical abuse: adult on child",
        SexualAbuseChildOnChild = "19B": "Sexual abuse: child on child",
        SexualAbuseAdultOnChild = "19C": "Sexual abuse: adult on child",
        Other = "20": "Other",
        NoFactors = "21": "No factors identified",
        FemaleGenitalMutilation = "22A": "Female genital mutilation",
        FaithOrBelief = "23A": "Abuse linked to faith or belief",
        ChildCriminalExploitation = "24A": "Child criminal exploitation",
    }
);

dfe_codes!(
    /// Category of abuse on a child protection plan (CIN census).
    CategoryOfAbuse, "category of abuse" {
        Neglect = "NEG": "Neglect",
        Physical = "PHY": "Physical abuse",
        Sexual = "SAB": "Sexual abuse",
        Emotional = "EMO": "Emotional abuse",
        Multiple = "MUL": "Multiple categories",
    }
);

dfe_codes!(
    /// The legal status under which a child is looked after (903 `LS`).
    LegalStatus, "legal status" {
        InterimCareOrder = "C1": "Interim care order",
        FullCareOrder = "C2": "Full care order",
        FreeingOrder = "D1": "Freeing order granted",
        PlacementOrder = "E1": "Placement order granted",
        Section20SinglePeriod = "V2": "Single period of accommodation under section 20 (Children Act 1989)",
        ShortBreaksEpisodes = "V3": "Accommodated under an agreement for a series of short-term breaks, when individual episodes of care are recorded",
        ShortBreaksAgreement = "V4": "Accommodated under an agreement for a series of short-term breaks, when agreements are recorded (not individual episodes of care)",
        PoliceProtection = "L1": "Under police protection and in local authority accommodation",
        EmergencyProtectionOrder = "L2": "Emergency protection order (EPO)",
        ChildAssessmentOrder = "L3": "Under child assessment order and in local authority accommodation",
        Remand = "J1": "Remanded to local authority accommodation or to youth detention accommodation",
        Pace = "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984, including secure accommodation",
        YouthRehabilitationOrder = "J3": "Sentenced to a youth rehabilitation order with a residence or intensive fostering requirement",
    }
);

impl LegalStatus {
    /// Whether this is a care order (interim or full), the orders under which the council shares
    /// parental responsibility.
    pub fn is_care_order(self) -> bool {
        matches!(self, LegalStatus::InterimCareOrder | LegalStatus::FullCareOrder)
    }

    /// Whether this is accommodation under section 20.
    pub fn is_section_20(self) -> bool {
        matches!(
            self,
            LegalStatus::Section20SinglePeriod | LegalStatus::ShortBreaksEpisodes | LegalStatus::ShortBreaksAgreement
        )
    }

    /// A series of short breaks (V3, V4): the modified regime of CPPCR reg 48.
    pub fn is_short_breaks(self) -> bool {
        matches!(self, LegalStatus::ShortBreaksEpisodes | LegalStatus::ShortBreaksAgreement)
    }
}

dfe_codes!(
    /// Where a looked-after child is placed (903 `PLACE`). The set changes by collection year:
    /// see [`PlacementType::valid_in`].
    PlacementType, "placement type" {
        AdoptionConsentCurrentCarers = "A3": "Placed for adoption with parental or guardian consent with current foster carers",
        AdoptionConsentOtherCarers = "A4": "Placed for adoption with parental or guardian consent not with current foster carers",
        AdoptionPlacementOrderCurrentCarers = "A5": "Placed for adoption with a placement order with current foster carers",
        AdoptionPlacementOrderOtherCarers = "A6": "Placed for adoption with a placement order not with current foster carers",
        SemiIndependentLiving = "H5": "Semi-independent living accommodation not subject to children's homes regulations",
        SecureChildrensHome = "K1": "Secure children's home",
        ChildrensHome = "K2": "Children's home subject to the Children's Homes Regulations",
        SupportedAccommodation = "K3": "Supported accommodation registered with Ofsted",
        WithParents = "P1": "Placed with own parents or other person with parental responsibility",
        IndependentLiving = "P2": "Independent living, for example in a flat, lodgings, bedsit or bed and breakfast, or with friends",
        ResidentialEmployment = "P3": "Residential employment",
        ResidentialCareHome = "R1": "Residential care home",
        HealthCare = "R2": "NHS or health trust, or other establishment providing medical or nursing care",
        FamilyCentre = "R3": "Family centre or mother and baby unit",
        YoungOffenderInstitution = "R5": "Young offender institution or prison",
        ResidentialSchool = "S1": "Residential school, except where dual-registered as a school and children's home",
        TemporaryAny = "T0": "Temporary move of any of the kinds T1 to T4",
        TemporaryHospital = "T1": "Temporary period in hospital",
        TemporaryHoliday = "T2": "Temporary absence of the child on holiday",
        TemporaryCarerHoliday = "T3": "Temporary accommodation while the normal foster carer is on holiday",
        TemporaryOther = "T4": "Temporary accommodation of seven days or less for any other reason",
        FosterRelativeLongTerm = "U1": "Foster placement with relative or friend: long-term fostering",
        FosterRelativeForAdoption = "U2": "Foster placement with relative or friend who is also an approved adopter: fostering for adoption or concurrent planning",
        FosterRelativeOther = "U3": "Foster placement with relative or friend: not long-term or fostering for adoption",
        FosterOtherLongTerm = "U4": "Foster placement with other foster carer: long-term fostering",
        FosterOtherForAdoption = "U5": "Foster placement with other foster carer who is also an approved adopter: fostering for adoption or concurrent planning",
        FosterOtherOther = "U6": "Foster placement with other foster carer: not long-term or fostering for adoption",
        Other = "Z1": "Other placements",
        Other11 = "Z11": "Other placements (Z11)",
        Other12 = "Z12": "Other placements (Z12)",
        Other13 = "Z13": "Other placements (Z13)",
        Other14 = "Z14": "Other placements (Z14)",
    }
);

impl PlacementType {
    /// Whether DfE accepts this placement type in `year`'s 903: K3 (supported accommodation)
    /// arrived in 2024-25; in 2025-26 H5, P2 and Z1 were withdrawn and Z1 was divided into Z11
    /// to Z14. (The descriptions of Z11 to Z14 above are careful's placeholders until DfE's
    /// 2025-26 guidance text is added to the reference material.)
    pub fn valid_in(self, year: crate::CollectionYear) -> bool {
        let start = year.start_year();
        match self {
            PlacementType::SemiIndependentLiving | PlacementType::IndependentLiving | PlacementType::Other => {
                start <= 2024
            }
            PlacementType::SupportedAccommodation => start >= 2024,
            PlacementType::Other11 | PlacementType::Other12 | PlacementType::Other13 | PlacementType::Other14 => {
                start >= 2025
            }
            _ => true,
        }
    }

    /// Foster placements with a relative or friend (U1 to U3): a connected person's.
    pub fn is_with_relative_or_friend(self) -> bool {
        matches!(
            self,
            PlacementType::FosterRelativeLongTerm
                | PlacementType::FosterRelativeForAdoption
                | PlacementType::FosterRelativeOther
        )
    }

    /// Foster placements (U1 to U6).
    pub fn is_foster(self) -> bool {
        matches!(
            self,
            PlacementType::FosterRelativeLongTerm
                | PlacementType::FosterRelativeForAdoption
                | PlacementType::FosterRelativeOther
                | PlacementType::FosterOtherLongTerm
                | PlacementType::FosterOtherForAdoption
                | PlacementType::FosterOtherOther
        )
    }

    /// Placed for adoption (A3 to A6).
    pub fn is_placed_for_adoption(self) -> bool {
        matches!(
            self,
            PlacementType::AdoptionConsentCurrentCarers
                | PlacementType::AdoptionConsentOtherCarers
                | PlacementType::AdoptionPlacementOrderCurrentCarers
                | PlacementType::AdoptionPlacementOrderOtherCarers
        )
    }

    /// Temporary placements (T0 to T4).
    pub fn is_temporary(self) -> bool {
        matches!(
            self,
            PlacementType::TemporaryAny
                | PlacementType::TemporaryHospital
                | PlacementType::TemporaryHoliday
                | PlacementType::TemporaryCarerHoliday
                | PlacementType::TemporaryOther
        )
    }

    /// Whether the 903 records a provider for this placement: not for T0 to T3 and the
    /// "other placements" codes.
    pub fn has_provider(self) -> bool {
        !matches!(
            self,
            PlacementType::TemporaryAny
                | PlacementType::TemporaryHospital
                | PlacementType::TemporaryHoliday
                | PlacementType::TemporaryCarerHoliday
                | PlacementType::Other
                | PlacementType::Other11
                | PlacementType::Other12
                | PlacementType::Other13
                | PlacementType::Other14
        )
    }
}

dfe_codes!(
    /// Who provides a placement (903 `PLACE_PROVIDER`).
    PlacementProvider, "placement provider" {
        Parents = "PR0": "Parents or other person with parental responsibility",
        OwnProvision = "PR1": "Own provision by the council, including a regional adoption agency it hosts",
        OtherLa = "PR2": "Another council's provision, including a regional adoption agency another council hosts",
        OtherPublic = "PR3": "Other public provision (for example the NHS)",
        Private = "PR4": "Private provision",
        Voluntary = "PR5": "Voluntary or third sector provision",
    }
);

dfe_codes!(
    /// Why a new 903 episode began (`RNE`). careful derives it from the record; nobody types it.
    ReasonNewEpisode, "reason for new episode" {
        Started = "S": "Started to be looked after",
        LegalStatusChange = "L": "Change of legal status only",
        PlacementAndCarerChange = "P": "Change of placement and carer only",
        PlacementChangeSameCarer = "T": "Change of placement (but same carer) only",
        LegalStatusAndPlacementSameCarer = "U": "Change of legal status and placement (but same carer) at the same time",
        LegalStatusPlacementAndCarer = "B": "Change of legal status and placement and carer at the same time",
    }
);

dfe_codes!(
    /// Why a 903 episode ended (`REC`). X1 is derived; the others are why care ended.
    ReasonEpisodeCeased, "reason episode ceased" {
        NewEpisodeSameDay = "X1": "Episode ceases and a new episode begins on the same day",
        AdoptedUnopposed = "E11": "Adopted: application for an adoption order unopposed",
        AdoptedConsentDispensed = "E12": "Adopted: consent dispensed with by the court",
        Died = "E2": "Died",
        AnotherLa = "E3": "Care taken over by another local authority in the UK",
        ReturnedHomePlanned = "E4A": "Returned home to live with parents, relatives or other person with parental responsibility as part of the care planning process",
        ReturnedHomeUnplanned = "E4B": "Returned home to live with parents, relatives or other person with parental responsibility, not as part of the care planning process",
        PersonWithoutParentalResponsibility = "E13": "Left care to live with parents, relatives or other person with no parental responsibility",
        ChildArrangementsOrder = "E41": "Residence order or child arrangements order granted",
        SgoFosterCarersRelatives = "E45": "Special guardianship order made to former foster carers who are relatives or friends",
        SgoFosterCarersOther = "E46": "Special guardianship order made to former foster carers other than relatives or friends",
        SgoOtherCarersRelatives = "E47": "Special guardianship order made to carers other than former foster carers, who are relatives or friends",
        SgoOtherCarersOther = "E48": "Special guardianship order made to carers other than former foster carers, other than relatives or friends",
        IndependentLivingSupported = "E5": "Moved into independent living with supportive accommodation providing formal advice and support",
        IndependentLivingUnsupported = "E6": "Moved into independent living with no formal advice and support",
        AdultResidentialCare = "E7": "Transferred to residential care funded by adult social care",
        Custody = "E9": "Sentenced to custody",
        RemandEnded = "E14": "Accommodation on remand ended",
        AgeAssessedOver18 = "E15": "Age assessment determined the child is aged 18 or over",
        MovedAbroad = "E16": "Child moved abroad",
        StayingPut = "E17": "Aged 18 or over and remained with current carers (including staying put)",
        Other = "E8": "Period of being looked after ceased for any other reason",
    }
);

impl ReasonEpisodeCeased {
    /// Adopted (E11, E12).
    pub fn is_adoption(self) -> bool {
        matches!(self, ReasonEpisodeCeased::AdoptedUnopposed | ReasonEpisodeCeased::AdoptedConsentDispensed)
    }

    /// A special guardianship order (E45 to E48).
    pub fn is_special_guardianship(self) -> bool {
        matches!(
            self,
            ReasonEpisodeCeased::SgoFosterCarersRelatives
                | ReasonEpisodeCeased::SgoFosterCarersOther
                | ReasonEpisodeCeased::SgoOtherCarersRelatives
                | ReasonEpisodeCeased::SgoOtherCarersOther
        )
    }
}

dfe_codes!(
    /// Why a placement ended (903 `REASON_PLACE_CHANGE`).
    ReasonPlaceChange, "reason for placement change" {
        CarePlan = "CARPL": "Change to or implementation of the care plan",
        ProviderClosed = "CLOSE": "Resignation or closure of provision",
        Allegation = "ALLEG": "Allegation (section 47)",
        StandardsConcern = "STAND": "Standards of care concern",
        ApprovalRemoved = "APPRR": "Approval removed",
        CarerRequestBehaviour = "CREQB": "Carer requests placement end because of the child's behaviour",
        CarerRequestOther = "CREQO": "Carer requests placement end for another reason",
        ChildRequest = "CHILD": "Child requests placement end",
        LaRequest = "LAREQ": "Responsible or area authority requests placement end",
        StatusChangeOnly = "PLACE": "Change in the status of the placement only",
        Custody = "CUSTOD": "Custody arrangement",
        Other = "OTHER": "Other",
    }
);

dfe_codes!(
    /// How a child took part in their looked-after review (903 `REVIEW_CODE`).
    ReviewParticipation, "review participation" {
        UnderFour = "PN0": "Child aged under 4 at the time of the review",
        AttendsAndSpeaks = "PN1": "Child attends and speaks for themselves",
        AttendsAdvocateSpeaks = "PN2": "Child attends and an advocate speaks for them",
        AttendsNonVerbal = "PN3": "Child attends and conveys their views non-verbally",
        AttendsNoContribution = "PN4": "Child attends but does not speak, convey their views or ask an advocate to",
        AbsentAdvocateBriefed = "PN5": "Child does not attend but briefs an advocate to speak for them",
        AbsentViewsConveyed = "PN6": "Child does not attend but conveys their views by another means",
        AbsentNoViews = "PN7": "Child does not attend and their views are not conveyed",
    }
);

dfe_codes!(
    /// Missing from placement, or away from it without authorisation (903 `MISSING`).
    MissingType, "missing type" {
        Missing = "M": "Missing",
        Away = "A": "Away from placement without authorisation",
    }
);

dfe_codes!(
    /// Whether the council is in touch with a care leaver (903 `IN_TOUCH`).
    InTouch, "in-touch status" {
        Yes = "YES": "In touch",
        No = "NO": "Not in touch",
        Died = "DIED": "Died",
        Refused = "REFU": "Young person refuses contact",
        NoLongerRequired = "NREQ": "Young person no longer requires services",
        ReturnedHome = "RHOM": "Young person returned home to parents or someone with parental responsibility for at least 6 months",
    }
);

dfe_codes!(
    /// A care leaver's main activity (903 `ACTIV`).
    CareLeaverActivity, "care leaver activity" {
        HigherEducationFullTime = "F1": "Full-time in higher education",
        HigherEducationPartTime = "P1": "Part-time in higher education",
        EducationFullTime = "F2": "Full-time in education other than higher education",
        EducationPartTime = "P2": "Part-time in education other than higher education",
        ApprenticeshipFullTime = "F4": "Full-time apprenticeship",
        ApprenticeshipPartTime = "P4": "Part-time apprenticeship",
        TrainingOrEmploymentFullTime = "F5": "Full-time training or employment",
        TrainingOrEmploymentPartTime = "P5": "Part-time training or employment",
        NeetIllnessOrDisability = "G4": "Not in education, employment or training: illness or disability",
        NeetOther = "G5": "Not in education, employment or training: other reasons",
        NeetPregnancyOrParenting = "G6": "Not in education, employment or training: pregnancy or parenting",
    }
);

dfe_codes!(
    /// A care leaver's accommodation (903 `ACCOM`, without its suitability digit).
    CareLeaverAccommodation, "care leaver accommodation" {
        ParentsOrRelatives = "B": "With parents or relatives",
        CommunityHome = "C": "Community home or other form of residential care such as an NHS establishment",
        SemiIndependent = "D": "Semi-independent, transitional accommodation",
        SupportedLodgings = "E": "Supported lodgings",
        GoneAbroad = "G": "Gone abroad",
        Deported = "H": "Deported",
        OrdinaryLodgings = "K": "Ordinary lodgings, without formal support",
        NotKnown = "R": "Residence not known",
        NoFixedAbode = "S": "No fixed abode or homeless",
        Foyer = "T": "Foyers and similar supported accommodation",
        Independent = "U": "Independent living",
        Emergency = "V": "Emergency accommodation",
        BedAndBreakfast = "W": "Bed and breakfast",
        Custody = "X": "In custody",
        Other = "Y": "Other accommodation",
        FormerFosterCarers = "Z": "With former foster carers",
    }
);

dfe_codes!(
    /// Why a Strengths and Difficulties Questionnaire was not completed (903 `SDQ_REASON`).
    SdqReason, "SDQ reason" {
        AgeOutOfRange = "SDQ1": "No form returned as child was aged under 4 or over 17 at the date of the latest assessment",
        CarerRefused = "SDQ2": "Carer refused to complete and return the questionnaire",
        Disability = "SDQ3": "Not possible to complete the questionnaire because of the severity of the child's disability",
        Other = "SDQ4": "Other",
        ChildRefused = "SDQ5": "Child or young person refuses to allow an SDQ to be completed",
    }
);

dfe_codes!(
    /// The sex of adopters (903 `SEX_ADOPTR`).
    AdopterSex, "adopter sex" {
        SingleMale = "M1": "Single male",
        SingleFemale = "F1": "Single female",
        MaleCouple = "MM": "Male couple",
        FemaleCouple = "FF": "Female couple",
        MaleAndFemale = "MF": "Male and female couple",
    }
);

dfe_codes!(
    /// The legal status of adopters (903 `LS_ADOPTR`).
    AdopterLegalStatus, "adopter legal status" {
        Single = "L0": "Single person",
        MarriedDifferentSex = "L11": "Married couple, different sex",
        MarriedSameSex = "L12": "Married couple, same sex",
        CivilPartners = "L2": "Civil partners",
        UnmarriedDifferentSex = "L3": "Unmarried couple, different sex",
        UnmarriedSameSex = "L4": "Unmarried couple, same sex",
    }
);

dfe_codes!(
    /// Why a decision that a child should be placed for adoption was reversed (903
    /// `REASON_PLACED_CEASED`).
    ReasonPlacedCeased, "reason adoption decision reversed" {
        NeedsChanged = "RD1": "The child's needs changed after the decision",
        CourtRefusedPlacementOrder = "RD2": "The court did not make a placement order",
        NoAdoptersFound = "RD3": "Prospective adopters could not be found",
        Other = "RD4": "Any other reason",
    }
);

dfe_codes!(
    /// Permanence a child had before this period of care (903 `PREV_PERM`).
    PreviousPermanence, "previous permanence" {
        Adoption = "P1": "Adoption",
        SpecialGuardianship = "P2": "Special guardianship order",
        ResidenceOrChildArrangements = "P3": "Residence order or child arrangements order",
        Unknown = "P4": "Unknown",
        None = "Z1": "No previous permanence order",
    }
);

dfe_codes!(
    /// Why a child's social worker changed (903 `SW_REASON`).
    SocialWorkerChangeReason, "social worker change reason" {
        Management = "MANAGE": "Management decision (for example a change of team)",
        FamilyContact = "FCONTA": "Family or child contact",
        LeftRole = "LEFTRL": "Social worker left the role",
        Restructure = "ORGRST": "Organisational restructure",
        TeamStructureProcess = "TSPROC": "Team structure or process (the case moves between teams as planned)",
        Absence = "ABSENC": "Social worker absence",
        ChildChange = "CHCHAN": "Change in the child's circumstances",
        PlacementChange = "PCCHAN": "Change of placement",
        WorkerDied = "SWDIED": "Social worker died",
        Other = "OTHERS": "Other",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_case_insensitively_and_serialise_as_dfe_codes() {
        assert_eq!("3e".parse::<ReferralSource>().unwrap(), ReferralSource::AccidentAndEmergency);
        assert_eq!(serde_json::to_string(&ReferralSource::Police).unwrap(), "\"6\"");
        assert_eq!(serde_json::from_str::<ReferralSource>("\"2A\"").unwrap(), ReferralSource::School);
    }

    #[test]
    fn placement_types_follow_the_collection_year() {
        let year = |y| crate::CollectionYear::starting(y).unwrap();
        assert!(PlacementType::Other.valid_in(year(2024)));
        assert!(!PlacementType::Other.valid_in(year(2025)));
        assert!(!PlacementType::SupportedAccommodation.valid_in(year(2023)));
        assert!(PlacementType::SupportedAccommodation.valid_in(year(2024)));
        assert!(!PlacementType::Other12.valid_in(year(2024)));
        assert!(PlacementType::Other12.valid_in(year(2026)));
        assert!(PlacementType::FosterOtherOther.valid_in(year(2015)));
        assert!(!PlacementType::TemporaryHospital.has_provider());
        assert!(PlacementType::TemporaryOther.has_provider());
    }

    #[test]
    fn every_code_set_has_distinct_codes() {
        fn distinct(codes: &[&str]) {
            let mut sorted = codes.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), codes.len(), "{codes:?}");
        }
        distinct(&PlacementType::ALL.iter().map(|c| c.code()).collect::<Vec<_>>());
        distinct(&AssessmentFactor::ALL.iter().map(|c| c.code()).collect::<Vec<_>>());
        distinct(&ReasonEpisodeCeased::ALL.iter().map(|c| c.code()).collect::<Vec<_>>());
        distinct(&Ethnicity::ALL.iter().map(|c| c.code()).collect::<Vec<_>>());
        assert_eq!(Ethnicity::ALL.len(), 20);
        assert_eq!(LegalStatus::ALL.len(), 13);
        assert_eq!(ReasonEpisodeCeased::ALL.len(), 22);
    }

    #[test]
    fn unknown_codes_list_the_allowed_ones() {
        let err = "3G".parse::<ReferralSource>().unwrap_err();
        assert!(err.to_string().starts_with("\"3G\" is not a referral source code; the codes are 1A, 1B"), "{err}");
    }
}
