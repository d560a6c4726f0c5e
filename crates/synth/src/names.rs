//! Names for synthetic people, from committed lists of common names (not records of anyone).

use careful_domain::codes::Sex;

use crate::rng::Rng;

const GIVEN: &str = include_str!("../data/given-names.txt");
const FAMILY: &str = include_str!("../data/family-names.txt");

fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A given name usually given to someone of `sex`.
pub fn given_name(rng: &mut Rng, sex: Sex) -> &'static str {
    let wanted = match sex {
        Sex::Female => "F",
        Sex::Male => "M",
        Sex::NotKnown => "U",
    };
    let names: Vec<&'static str> =
        lines(GIVEN).filter_map(|l| l.rsplit_once(' ')).filter(|(_, s)| *s == wanted).map(|(name, _)| name).collect();
    names[rng.below(names.len() as u64) as usize]
}

pub fn family_name(rng: &mut Rng) -> &'static str {
    let names: Vec<&'static str> = lines(FAMILY).collect();
    names[rng.below(names.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_line_is_well_formed() {
        for line in lines(GIVEN) {
            let (name, sex) = line.rsplit_once(' ').expect("name and sex");
            assert!(["F", "M", "U"].contains(&sex), "{line}");
            assert!(!name.is_empty());
        }
        assert!(lines(FAMILY).count() > 100);
    }
}
