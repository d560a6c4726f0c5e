//! Statutory returns: SSDA903, the CIN census, Ofsted Annex A, the standard safeguarding
//! dataset and the DfE API feed. Typed models, readers and writers, and DfE's validation rules,
//! one function per rule code with DfE's message, by collection year.
//!
//! Pure: it reads and writes bytes and the record's types from [`careful_domain`], never the
//! database or the web.
//!
//! - [`ssda903`]: the SSDA903 (children looked after) return as DfE's CSV tables, read from CSV
//!   or from the `EXPSSDA903` XML form, and written as CSV.
//! - [`cin`]: the Children in Need census, written as DfE's XML.
//! - [`from_record`]: a child's folded record as their 903 rows and CIN census entry.
//! - [`la`]: England's local authorities with children's services: GSS codes, DfE's numbers,
//!   and the codes no longer in force since the 2019 to 2025 reorganisations.

#![forbid(unsafe_code)]

pub mod cin;
pub mod from_record;
#[cfg(test)]
mod fuzz;
mod fxhash;
pub mod la;
pub mod ssda903;
pub mod to_record;
