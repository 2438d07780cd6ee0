//! The keyboard shortcuts of the window.

use egui::{Key, KeyboardShortcut, Modifiers};

pub const SHORTCUT_TRAIN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Space);
pub const SHORTCUT_STEP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::S);
pub const SHORTCUT_RESET: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::R);
pub const SHORTCUT_OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SHORTCUT_SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const SHORTCUT_EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
pub const SHORTCUT_STEP_ARROW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::ArrowRight);
pub const SHORTCUT_FULLSCREEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F11);
pub const SHORTCUT_PRESENT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::P);
pub const SHORTCUT_MAXIMISE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::M);
pub const SHORTCUT_HELP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F1);
