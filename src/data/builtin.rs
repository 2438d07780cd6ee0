//! The datasets that ship inside reglab (files in `assets/datasets/`, see
//! the README there for where they come from and their licences).

use serde::{Deserialize, Serialize};

use super::{ColumnRoles, DataError, Dataset, load_bytes};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Builtin {
    Iris,
    Wine,
    BreastCancer,
    Diabetes,
}

impl Builtin {
    pub const ALL: [Builtin; 4] = [Builtin::Iris, Builtin::Wine, Builtin::BreastCancer, Builtin::Diabetes];

    /// The name used on the command line and in experiment files.
    pub fn id(self) -> &'static str {
        match self {
            Builtin::Iris => "iris",
            Builtin::Wine => "wine",
            Builtin::BreastCancer => "breast-cancer",
            Builtin::Diabetes => "diabetes",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Builtin::Iris => "Iris (150 flowers, 4 measurements, 3 species)",
            Builtin::Wine => "Wine (178 wines, 13 chemical measurements, 3 cultivars)",
            Builtin::BreastCancer => "Breast Cancer Wisconsin (569 tumours, 30 features, benign/malignant)",
            Builtin::Diabetes => "Diabetes (442 patients, 10 features, disease progression; regression)",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Builtin::Iris => include_bytes!("../../assets/datasets/iris.csv"),
            Builtin::Wine => include_bytes!("../../assets/datasets/wine.csv"),
            Builtin::BreastCancer => include_bytes!("../../assets/datasets/breast_cancer.csv"),
            Builtin::Diabetes => include_bytes!("../../assets/datasets/diabetes.csv"),
        }
    }

    pub fn from_id(id: &str) -> Option<Builtin> {
        let id = id.trim().to_ascii_lowercase().replace('_', "-");
        Builtin::ALL.into_iter().find(|b| b.id() == id)
    }

    pub fn load(self) -> Result<Dataset, DataError> {
        let mut ds = load_bytes(&format!("{}.csv", self.id()), self.bytes(), &ColumnRoles::default())?;
        ds.name = self.id().to_string();
        Ok(ds)
    }
}
