//! The DfE CIN rule codes careful does not implement yet. `every_rule_code_implemented` fails on
//! any code of DfE's 2025-26 catalogue that is neither implemented nor listed here, and on any
//! code listed here that is implemented: the list only shrinks.

pub(crate) static PENDING: &[&str] = &[
    "8715", "8720", "8730", "8736", "8740", "8750", "8770Q", "8772", "8775Q", "8790", "8794", "8805", "8810", "8815",
    "8816", "8820", "8825Q", "8831", "8832", "8839", "8840", "8841", "8842Q", "8863Q", "8866", "8867", "8868", "8870Q",
    "8873Q", "8875", "8890", "8896", "8897Q", "8898", "8905", "8910", "8915", "8920", "8925", "8930", "8935", "8940",
    "8945Q", "8950Q",
];
