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
    fn unknown_codes_list_the_allowed_ones() {
        let err = "3G".parse::<ReferralSource>().unwrap_err();
        assert!(err.to_string().starts_with("\"3G\" is not a referral source code; the codes are 1A, 1B"), "{err}");
    }
}
