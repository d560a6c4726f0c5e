//! The DfE CIN rule codes careful does not implement yet. `every_rule_code_implemented` fails on
//! any code of DfE's 2025-26 catalogue that is neither implemented nor listed here, and on any
//! code listed here that is implemented: the list only shrinks.

pub(crate) static PENDING: &[&str] = &[
    "1104", "1105", "1510", "1520", "1530", "1540", "1550", "1560Q", "1570", "1580", "2883", "2884", "2885", "2886Q",
    "2887Q", "2888Q", "2889", "2990", "2991Q", "4000", "4001", "4003", "4004", "4008", "4009Q", "4010", "4011",
    "4012Q", "4013", "4014", "4015", "4016", "4017", "4220", "8525Q", "8530Q", "8535Q", "8540", "8545Q", "8555Q",
    "8565", "8568", "8569Q", "8585Q", "8590", "8600", "8606", "8608", "8610", "8614", "8615", "8620", "8630", "8670Q",
    "8696",
];
