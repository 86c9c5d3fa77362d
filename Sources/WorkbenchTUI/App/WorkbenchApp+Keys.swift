import CircuitAnalysis
import Foundation
import WorkbenchCore

/// What each key does, by mode.
extension WorkbenchApp {
  public func handle(_ event: InputEvent, now: Date = Date()) {
    needsRedraw = true
    switch event {
    case .resize(let columns, let rows): resize(columns: columns, rows: rows)
    case .click(let x, let y): click(column: x, row: y)
    case .key(let key):
      // Below 80x24 only quitting works.
      guard ScreenLayout(columns: state.columns, rows: state.rows, layers: 1, heads: 1) != nil else {
        if key == .character("q") { requestQuit() }
        return
      }
      switch state.mode {
      case .normal: normalKey(key)
      case .command(var editor): commandKey(key, &editor)
      case .prompt(var editor): promptKey(key, &editor, now: now)
      case .help(let scroll): state.mode = scrolled(key, scroll, close: { .help(scroll: $0) })
      case .result(let index, let scroll):
        let circuit = index < state.results.count ? try? state.results[index].circuitGraph() : nil
        if key == .character("e") {
          state.mode = .command(LineEditor(circuit == nil ? "export headlab-result.json" : "export circuit.dot"))
        } else if let circuit {
          // In a circuit's graph view the scroll position is the selected node.
          let last = max(0, CircuitScreen.selectable(circuit).count - 1)
          state.mode = scrolled(key, scroll, close: { .result(index: index, scroll: min($0, last)) })
        } else {
          state.mode = scrolled(key, scroll, close: { .result(index: index, scroll: $0) })
        }
      case .confirmQuit:
        switch key {
        case .character("y"): quit()
        case .character("s"):
          state.mode = .normal
          save()
        default: state.mode = .normal
        }
      }
    }
  }

  func normalKey(_ key: Key) {
    guard let action = KeyMap.action(for: key) else { return }
    switch action {
    case .move(let dx, let dy): move(dx: dx, dy: dy)
    case .focusNext, .focusPrevious:
      let panels = ViewState.panels
      let i = panels.firstIndex(of: state.view.focus) ?? 0
      state.view.focus = panels[(i + (action == .focusNext ? 1 : panels.count - 1)) % panels.count]
      send("view focus=\(state.view.focus)", logged: false)
    case .open: open()
    case .command(let line):
      if line.hasPrefix("view grid=") { cycleGrid(forward: line.hasSuffix("next")) } else { send(line, logged: true) }
    case .toggleAblation:
      guard state.engine.layers > 0 else { return }
      let head = HeadIndex(state.view.layer, state.view.head)
      send(state.engine.ablated.contains(head) ? "unablate \(head)" : "ablate \(head)", logged: true)
    case .headCommand(let command):
      guard state.engine.layers > 0 else { return }
      send("\(command) \(HeadIndex(state.view.layer, state.view.head))", logged: true)
    case .toggleValues:
      state.view.values.toggle()
      send("view values=\(state.view.values ? "yes" : "no")", logged: false)
    case .toggleDiff:
      state.view.diff.toggle()
      send("view diff=\(state.view.diff ? "yes" : "no")", logged: false)
    case .commandLine(let text): state.mode = .command(LineEditor(text))
    case .editPrompt:
      promptBeforeEditing = state.engine.promptText ?? ""
      state.mode = .prompt(LineEditor(promptBeforeEditing ?? ""))
    case .help: state.mode = .help(scroll: 0)
    case .quit: requestQuit()
    case .cancel: cancel()
    case .save: save()
    }
  }

  func commandKey(_ key: Key, _ editor: inout LineEditor) {
    switch key {
    case .enter:
      let line = editor.string.trimmingCharacters(in: .whitespaces)
      state.commandHistory.add(line)
      state.mode = .normal
      if line == "q" || line == "quit" { requestQuit(); return }
      send(line, logged: true, typed: true)
      return
    case .escape, .control("c"):
      state.mode = .normal
      return
    case .tab: editor.set(CommandCompletion.complete(editor.string, gridKinds: state.engine.gridResults.map(\.kind)))
    case .up: if let older = state.commandHistory.older() { editor.set(older) }
    case .down: if let newer = state.commandHistory.newer() { editor.set(newer) }
    default: _ = editor.handle(key)
    }
    state.mode = .command(editor)
  }

  func promptKey(_ key: Key, _ editor: inout LineEditor, now: Date) {
    switch key {
    case .enter:
      state.mode = .normal
      if let pending = pendingPrompt {
        pendingPrompt = nil
        send("prompt \(ParsedLine.quotedValue(pending.text))", logged: true)
      }
      return
    case .escape, .control("c"):
      state.mode = .normal
      pendingPrompt = nil
      if let before = promptBeforeEditing, before != state.engine.promptText, !before.isEmpty {
        send("prompt \(ParsedLine.quotedValue(before))", logged: false)
      }
      return
    default:
      let before = editor.string
      _ = editor.handle(key)
      if editor.string != before { pendingPrompt = (editor.string, now.addingTimeInterval(Self.debounce)) }
    }
    state.mode = .prompt(editor)
  }

  /// Scrolling keys of the help and result screens; Esc, q or ? returns to the workbench.
  func scrolled(_ key: Key, _ scroll: Int, close make: (Int) -> AppState.Mode) -> AppState.Mode {
    switch key {
    case .escape, .character("q"), .character("?"), .control("c"): return .normal
    case .up, .character("k"): return make(max(0, scroll - 1))
    case .down, .character("j"): return make(scroll + 1)
    case .pageUp: return make(max(0, scroll - (state.rows - 4)))
    case .pageDown, .character(" "): return make(scroll + state.rows - 4)
    case .home: return make(0)
    default: return make(scroll)
    }
  }

  func move(dx: Int, dy: Int) {
    let e = state.engine
    let count = e.live?.count ?? 0
    switch state.view.focus {
    case "grid":
      guard e.layers > 0 else { return }
      select(layer: state.view.layer + dy, head: state.view.head + dx)
    case "attention":
      guard count > 0, let dest = state.destinationToken else { return }
      if dy != 0 {
        state.view.token = max(0, min(count - 1, dest + dy))
        send("select token=\(state.view.token!)", logged: false)
      } else {
        let next = max(0, min(dest, (state.view.source ?? dest) + dx))
        state.view.source = next
        send("select source=\(next)", logged: false)
      }
    case "tokens", "topk":
      guard count > 0, let dest = state.destinationToken else { return }
      state.view.token = max(0, min(count - 1, dest + dx + dy))
      send("select token=\(state.view.token!)", logged: false)
    case "log":
      guard !state.log.isEmpty else { return }
      state.logSelection = max(0, min(state.log.count - 1, (state.logSelection ?? state.log.count - 1) + dy + dx))
    default: break
    }
  }

  func select(layer: Int, head: Int) {
    state.view.layer = max(0, min(state.engine.layers - 1, layer))
    state.view.head = max(0, min(state.engine.heads - 1, head))
    send("select \(state.view.layer).\(state.view.head)", logged: false)
  }

  func cycleGrid(forward: Bool) {
    guard let next = state.view.cycledGrid(in: state.engine.gridResults, forward: forward) else {
      show(error: CommandFailure("no layer x head result yet: run D (detect), A (ablate each) or P (patch)"))
      return
    }
    state.view.grid = next
    send("view grid=\(next)", logged: false)
  }

  /// Enter: from the grid, look at the head's attention; from the log, open the line's result.
  func open() {
    switch state.view.focus {
    case "grid":
      state.view.focus = "attention"
      send("view focus=attention", logged: false)
    case "log":
      let index = state.logSelection ?? state.log.count - 1
      guard index >= 0, index < state.log.count, let result = state.log[index].result else { return }
      state.mode = .result(index: result, scroll: 0)
    default: break
    }
  }

  func click(column x: Int, row y: Int) {
    guard state.mode == .normal, let layout = ScreenLayout(columns: state.columns, rows: state.rows, layers: state.engine.layers, heads: state.engine.heads) else { return }
    if layout.grid.contains(column: x, row: y) {
      state.view.focus = "grid"
      if let head = HeadGridPanel.geometry(state, in: layout.grid).head(atColumn: x, row: y) { select(layer: head.layer, head: head.head) }
    } else if layout.attention.contains(column: x, row: y) {
      state.view.focus = "attention"
      if let cell = AttentionPanel.geometry(state, in: layout.attention)?.cell(atColumn: x, row: y) {
        state.view.token = cell.dest
        state.view.source = cell.source <= cell.dest ? cell.source : nil
        send("select token=\(cell.dest) source=\(state.view.source.map(String.init) ?? "none")", logged: false)
      }
    } else if layout.tokens.contains(column: x, row: y) {
      state.view.focus = "tokens"
      if let span = TokenStrip.spans(state, in: layout.tokens).first(where: { x >= $0.column && x < $0.column + $0.width }) {
        state.view.token = span.token
        send("select token=\(span.token)", logged: false)
      }
    } else if layout.log.contains(column: x, row: y) {
      state.view.focus = "log"
    } else if layout.topK.contains(column: x, row: y) {
      state.view.focus = "topk"
    }
  }

  func requestQuit() {
    if state.unsaved { state.mode = .confirmQuit } else { quit() }
  }

  /// `s`: saves to the session's file, or asks for a name.
  func save() {
    if let path = state.sessionPath { send("save \(ParsedLine.quotedValue(path))", logged: true) } else {
      state.mode = .command(LineEditor("save headlab.session.json"))
    }
  }

  /// Esc / Ctrl-C: cancels the running analysis (its partial result still arrives).
  func cancel() {
    guard let running = jobs.first else {
      state.message = "nothing to cancel (q quits)"
      state.messageIsError = false
      return
    }
    running.job.progress.cancel()
    state.message = "cancelling \(running.job.line)…"
    state.messageIsError = false
  }
}

/// An interface error with its message.
struct CommandFailure: Error, LocalizedError {
  let message: String
  init(_ message: String) { self.message = message }
  var errorDescription: String? { message }
}
