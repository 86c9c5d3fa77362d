/// What a key does in the normal mode. Keys that change what is computed or shown send catalog
/// commands (so a script can do the same); the rest only move the interface.
public enum KeyAction: Equatable, Sendable {
  /// Move the selection in the focused panel.
  case move(dx: Int, dy: Int)
  case focusNext, focusPrevious
  /// Enter: open the selected head's attention, or the selected log line's result.
  case open
  /// Send this command line as it is.
  case command(String)
  /// `ablate L.H` or `unablate L.H` for the selected head.
  case toggleAblation
  /// This command followed by the selected head (`weights ov L.H`).
  case headCommand(String)
  case toggleValues, toggleDiff
  /// Open the `:` line with this text typed.
  case commandLine(String)
  case editPrompt, help, quit, cancel, save
}

/// One key binding: the keys, how help shows them, and what they do.
public struct KeyBinding: Sendable {
  public let keys: [Key]
  public let label: String
  public let summary: String
  public let action: KeyAction
}

/// The normal mode's keys; the `?` screen is generated from this table and the command catalog.
public enum KeyMap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(keys: [.up, .character("k")], label: "↑ k", summary: "move up: previous layer / destination token / log line", action: .move(dx: 0, dy: -1)),
    KeyBinding(keys: [.down, .character("j")], label: "↓ j", summary: "move down", action: .move(dx: 0, dy: 1)),
    KeyBinding(keys: [.left, .character("h")], label: "← h", summary: "move left: previous head / source token", action: .move(dx: -1, dy: 0)),
    KeyBinding(keys: [.right, .character("l")], label: "→ l", summary: "move right", action: .move(dx: 1, dy: 0)),
    KeyBinding(keys: [.tab], label: "Tab", summary: "next panel (grid, attention, tokens, top-k, log)", action: .focusNext),
    KeyBinding(keys: [.backTab], label: "S-Tab", summary: "previous panel", action: .focusPrevious),
    KeyBinding(keys: [.enter], label: "Enter", summary: "open: the selected head's attention, or the log line's result", action: .open),
    KeyBinding(keys: [.character("p")], label: "p", summary: "edit the prompt (the model re-runs as you type; Enter keeps, Esc restores)", action: .editPrompt),
    KeyBinding(keys: [.character("a")], label: "a", summary: "ablate / unablate the selected head (zero ablation)", action: .toggleAblation),
    KeyBinding(keys: [.character("u")], label: "u", summary: "unablate every head", action: .command("unablate all")),
    KeyBinding(keys: [.character("A")], label: "A", summary: "ablate each head in turn on the prompt", action: .command("ablate each")),
    KeyBinding(keys: [.character("P")], label: "P", summary: "patch every head's output on the pair", action: .command("patch attn_head_out_all_pos")),
    KeyBinding(keys: [.character("R")], label: "R", summary: "patch the residual stream by layer and position", action: .command("patch resid_pre")),
    KeyBinding(keys: [.character("D")], label: "D", summary: "run the head detectors", action: .command("detect")),
    KeyBinding(keys: [.character("V")], label: "V", summary: "head relevance to the IOI dataset (gradient)", action: .command("relevance ioi count=50")),
    KeyBinding(keys: [.character("C")], label: "C", summary: "causal head gating on IOI: + facilitating, − interfering, · irrelevant, ? ambiguous", action: .command("chg ioi")),
    KeyBinding(keys: [.character("T")], label: "T", summary: "trace the IOI circuit by edge attribution (the fewest edges reaching faithfulness 0.8); Enter on its log line shows the graph", action: .command("trace ioi target=0.8")),
    KeyBinding(keys: [.character("I")], label: "I", summary: "IOI circuit report: heads classified from DLA, attention, path patching and copy scores", action: .command("ioi")),
    KeyBinding(keys: [.character("S")], label: "S", summary: "successor-head report: succession scores, best head, its ablation, the mod-10 probe", action: .command("successor")),
    KeyBinding(keys: [.character("W")], label: "W", summary: "the selected head's OV circuit in the vocabulary: the tokens each prompt token maps to (Enter on its log line shows the table)", action: .headCommand("weights ov")),
    KeyBinding(keys: [.character("K")], label: "K", summary: "K-composition of every earlier head into every later head; the grid shows the heads composing into the selected one", action: .command("weights composition k")),
    KeyBinding(keys: [.character("L")], label: "L", summary: "logit lens on the prompt", action: .command("lens")),
    KeyBinding(keys: [.character("d")], label: "d", summary: "direct logit attribution on the prompt", action: .command("dla")),
    KeyBinding(keys: [.character("g")], label: "g", summary: "head grid: show the next layer x head result", action: .command("view grid=next")),
    KeyBinding(keys: [.character("G")], label: "G", summary: "head grid: the previous result", action: .command("view grid=previous")),
    KeyBinding(keys: [.character("v")], label: "v", summary: "attention: show the weights as numbers", action: .toggleValues),
    KeyBinding(keys: [.character("x")], label: "x", summary: "attention: before and after the interventions, side by side", action: .toggleDiff),
    KeyBinding(keys: [.character("e")], label: "e", summary: "export the last results (:export FILE, .json .csv .txt; a circuit also .dot .svg .png)", action: .commandLine("export headlab-result.json")),
    KeyBinding(keys: [.character("s")], label: "s", summary: "save the session (:save FILE)", action: .save),
    KeyBinding(keys: [.character("o")], label: "o", summary: "open a session (:open FILE)", action: .commandLine("open ")),
    KeyBinding(keys: [.character(":")], label: ":", summary: "command line (Tab completes, ↑↓ history)", action: .commandLine("")),
    KeyBinding(keys: [.character("?")], label: "?", summary: "this help (Esc or q closes)", action: .help),
    KeyBinding(keys: [.escape, .control("c")], label: "Esc ^C", summary: "cancel the running analysis", action: .cancel),
    KeyBinding(keys: [.character("q")], label: "q", summary: "quit (asks first when the session has unsaved changes)", action: .quit),
  ]

  public static func action(for key: Key) -> KeyAction? {
    bindings.first { $0.keys.contains(key) }?.action
  }
}

extension KeyMap {
  /// The key table of the README, generated from `bindings` (a test fails when the README's copy
  /// is stale): each key, what it does, and the command it sends where it sends one.
  public static var markdownTable: String {
    var lines = ["| key | what it does | sends |", "|---|---|---|"]
    for binding in bindings {
      let sends: String
      switch binding.action {
      case .command(let line): sends = "`\(line)`"
      case .commandLine(let text): sends = text.isEmpty ? "" : "`\(text.trimmingCharacters(in: .whitespaces))` (to edit)"
      case .move: sends = "`select`"
      case .toggleAblation: sends = "`ablate L.H` / `unablate L.H`"
      case .headCommand(let command): sends = "`\(command) L.H`"
      case .toggleValues: sends = "`view values=yes|no`".replacingOccurrences(of: "|", with: "\\|")
      case .toggleDiff: sends = "`view diff=yes|no`".replacingOccurrences(of: "|", with: "\\|")
      case .focusNext, .focusPrevious: sends = "`view focus=PANEL`"
      case .editPrompt: sends = "`prompt TEXT`"
      case .save: sends = "`save FILE`"
      case .open, .help, .quit, .cancel: sends = ""
      }
      lines.append("| `\(binding.label)` | \(binding.summary) | \(sends) |")
    }
    return lines.joined(separator: "\n")
  }
}
