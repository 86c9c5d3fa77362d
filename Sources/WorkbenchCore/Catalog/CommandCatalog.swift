import CircuitAnalysis

/// Every command the workbench's `:` prompt and `headlab batch` scripts accept, in help order.
public enum CommandCatalog {
  public static let all: [CommandSpec] = [
    CommandSpec(
      name: "model", group: "model", summary: "Load a model: a directory, a name in the offline Hugging Face cache, or `default` (the embedded model).",
      usage: "model NAME|PATH", positionals: 1...1, examples: ["model default", "model gpt2"]),
    CommandSpec(
      name: "prompt", group: "prompt", summary: "Set the prompt (BOS is prepended) that run, generate, cache, ablate, lens and dla read.",
      usage: "prompt TEXT", positionals: 1...1, examples: [#"prompt "When Mary and John went to the store, John gave a drink to""#]),
    CommandSpec(
      name: "pair", group: "prompt", summary: "Set the clean and corrupted prompts of patching and attribution patching (they must align token by token).",
      usage: "pair clean=TEXT corrupted=TEXT", options: ["clean", "corrupted"],
      examples: [#"pair clean="When Mary and John went to the store, John gave a drink to" corrupted="When Mary and John went to the store, Mary gave a drink to""#]),
    CommandSpec(
      name: "answer", group: "prompt", summary: "Set the answer token and the wrong token the logit difference is taken against (single tokens).",
      usage: "answer TOKEN WRONG", positionals: 2...2, examples: [#"answer " Mary" " John""#]),
    CommandSpec(
      name: "metric", group: "prompt", summary: "Choose the metric: \(Metric.Kind.allCases.map(\.rawValue).joined(separator: ", ")).",
      usage: "metric NAME [k=K]", options: ["k"], positionals: 1...1, examples: ["metric logit_diff", "metric topk_accuracy k=5"]),
    CommandSpec(
      name: "run", group: "run", summary: "One forward pass of the prompt under the active interventions: the top-k next tokens with logits and probabilities, and the metric once answer tokens are set.",
      usage: "run [top=K]", options: ["top"], examples: ["run", "run top=10"]),
    CommandSpec(
      name: "generate", group: "run", summary: "Greedy continuation of the prompt by N tokens under the active interventions; top=K adds each step's runners-up.",
      usage: "generate N [top=K]", options: ["top"], positionals: 1...1, examples: ["generate 8", "generate 5 top=3"]),
    CommandSpec(
      name: "patch", group: "analysis", summary: "Activation-patching sweep on the pair (TransformerLens's granularities); ignores the active interventions.",
      usage: "patch SWEEP [noising=yes] [normalise=yes]", options: ["noising", "normalise"], positionals: 1...1,
      examples: ["patch attn_head_out_all_pos", "patch resid_pre normalise=yes"]),
    CommandSpec(
      name: "atp", group: "analysis", summary: "Attribution-patching estimate of a sweep on the pair, optionally beside the real sweep; ignores the active interventions.",
      usage: "atp SWEEP [noising=yes] [beside=yes]", options: ["noising", "beside"], positionals: 1...1,
      examples: ["atp attn_head_out_all_pos beside=yes"]),
    CommandSpec(
      name: "ablate", group: "analysis", summary: "Ablate heads on the prompt (ignoring the active interventions), or over a dataset's prompts (dataset=, shard=): each head in turn, or a set (9.6,10.*); a set ablated on the prompt stays ablated as an active intervention until unablate.",
      usage: "ablate each|HEADS [mode=zero|mean|resample] [reference=ioi|successor|induction] [count=N] [seed=S] [positions=P,Q] [dataset=ioi|successor|induction] [shard=i/n]",
      options: ["mode", "reference", "count", "seed", "positions", "dataset", "shard"], positionals: 1...1,
      examples: ["ablate each", "ablate 2.0,2.1 mode=mean reference=ioi", "ablate each dataset=ioi count=200 mode=mean shard=0/4"]),
    CommandSpec(
      name: "lens", group: "analysis", summary: "Logit lens on the prompt under the active interventions: the answer's logit, probability and rank per layer, and the top-k tokens.",
      usage: "lens [top=K] [position=P]", options: ["top", "position"], examples: ["lens", "lens top=10"]),
    CommandSpec(
      name: "dla", group: "analysis", summary: "Direct logit attribution of every component to the logit difference on the prompt under the active interventions.",
      usage: "dla [position=P]", options: ["position"], examples: ["dla"]),
    CommandSpec(
      name: "detect", group: "analysis", summary: "Head detectors: \(HeadDetector.allCases.map(\.rawValue).joined(separator: ", ")) (default: all); ignores the active interventions.",
      usage: "detect [DETECTOR...] [seed=S] [measure=mul|abs] [count=N] [length=N] [bos=yes] [current=no] [embedding=yes]",
      options: ["seed", "measure", "count", "length", "bos", "current", "embedding"], positionals: 0...HeadDetector.allCases.count,
      examples: ["detect", "detect induction previous_token measure=abs", "detect induction count=20 length=40"]),
    CommandSpec(
      name: "relevance", group: "analysis", summary: "Per-head relevance to a dataset (gradient, ablation, patching or atp), its relevance vector and optionally ordered weakening; ignores the active interventions.",
      usage: "relevance DATASET [method=gradient|ablation|patching|atp] [count=N] [seed=S] [order=abba|baba|mixed] [corruption=abc|swap] [clipping=absolute|positive] [weakening=yes] [prompts=yes] [shard=i/n]",
      options: ["method", "count", "seed", "order", "corruption", "clipping", "weakening", "prompts", "shard"],
      positionals: 1...1, examples: ["relevance ioi method=patching count=200", "relevance ioi method=ablation count=400 shard=3/4"]),
    CommandSpec(
      name: "chg", group: "analysis", summary: "Causal head gating (Nam et al. 2025) on a dataset's prompts: gates fitted with lambda = 0, then +lambda (G+) and -lambda (G-); per-head facilitation, interference and irrelevance, labels, and the metric with only the facilitating heads kept; negative=DATASET fits contrastive CHG instead (keep the dataset's answers, remove the negative one's); ignores the active interventions.",
      usage: "chg DATASET [negative=DATASET] [count=N] [restarts=K] [steps=N] [lr=X] [lambda=X] [maxdiff=X] [seed=S]",
      options: ["negative", "count", "restarts", "steps", "lr", "lambda", "maxdiff", "seed"], positionals: 1...1,
      examples: ["chg ioi count=32 restarts=4", "chg successor steps=200 lambda=0.05 seed=1", "chg successor negative=ioi steps=300"]),
    CommandSpec(
      name: "successor", group: "analysis", summary: "Successor-head report (Gould et al. 2024): succession scores per head and task, the best head, its zero and mean ablation on successor prompts (top-1 accuracy, logit difference), and the mod-10 probe on MLP0 outputs of numeric tokens beside shuffled labels; ignores the active interventions.",
      usage: "successor [count=N] [seed=S] [shuffles=N] [alpha=X] [embedding=yes]",
      options: ["count", "seed", "shuffles", "alpha", "embedding"], examples: ["successor", "successor count=200 shuffles=50"]),
    CommandSpec(
      name: "pathpatch", group: "analysis", summary: "Path patching (Wang et al. 2023): each sender head's effect on the metric through the receivers only (the logits, or heads' q/k/v inputs), every other head frozen at its clean output; on a dataset's pairs or the pair; ignores the active interventions.",
      usage: "pathpatch [DATASET] receivers=logits|L.H:q|k|v,... [senders=HEADS] [normalisation=relative|none] [count=N] [seed=S]",
      options: ["receivers", "senders", "normalisation", "count", "seed"], positionals: 0...1,
      examples: ["pathpatch ioi receivers=logits", "pathpatch ioi receivers=2.1:q,3.0:k count=64", "pathpatch receivers=logits senders=0.*,1.*"]),
    CommandSpec(
      name: "ioi", group: "analysis", summary: "The IOI circuit report (Wang et al. 2023): heads classified as name movers, negative and backup name movers, S-inhibition, induction, duplicate-token and previous-token heads from DLA, attention, path patching and copy scores, with the circuit's faithfulness, completeness and minimality; the circuit result holds the classified heads as a graph with the paper's edges between classes (Enter on its log line shows it, export FILE.dot writes it).",
      usage: "ioi [COUNT] [SEED]", positionals: 0...2, examples: ["ioi", "ioi 128 1"]),
    CommandSpec(
      name: "trace", group: "analysis", summary: "Trace a circuit on a dataset's prompts by edge attribution patching (eap; eap-ig averages the gradients over steps=M interpolations of the input embeddings): every edge of the graph scored, the edges with the largest |score| kept (keep=N, threshold=X, or the fewest reaching faithfulness target=F; default the top 10%); by path patching (method=path: each head -> later head and head -> logits edge scored by M(patched) - M(clean) with every other head frozen, Wang et al. 2023; the embedding and MLP edges stay, with those of the kept heads); or by ACDC (method=acdc tau=T: edges pruned output first while the distance from the full model, KL with metric kl, else the negated metric or with absolute=yes its |change|, grows by less than tau); with the circuit's faithfulness, every other edge mean-ablated over the corrupted prompts; ignores the active interventions.",
      usage: "trace DATASET [method=\((CircuitTrace.Method.allCases.map(\.rawValue) + ["acdc"]).joined(separator: "|"))] [count=N] [seed=S] [order=abba|baba|mixed] [corruption=abc|swap] [keep=N] [threshold=X] [target=F] [split=yes] [steps=M] [tau=T] [absolute=yes]",
      options: ["method", "count", "seed", "order", "corruption", "keep", "threshold", "target", "split", "steps", "tau", "absolute"], positionals: 1...1,
      examples: ["trace ioi method=eap count=32 keep=40", "trace ioi method=eap-ig steps=5 split=yes threshold=0.05", "trace ioi target=0.8", "trace ioi method=path target=0.8", "trace ioi method=acdc tau=0.05"]),
    CommandSpec(
      name: "weights", group: "analysis", summary: "What a head's weights can do on any prompt: ov L.H (the tokens each row token maps to through E'·W_V W_O·W_U, MAPS's E'; rows: the prompt's tokens, token=TEXT, or rows=salient) and qk L.H (the keys each token attends to, E·W_Q W_K^T·E^T, and the positional W_pos·W_Q W_K^T·W_pos^T), with singular values and eigenvalues; copy (copy and negative-copy scores over the single-token names, scope=vocabulary ranks against the whole vocabulary, and Elhage's eigenvalue copying score); composition [q|k|v] (Elhage's composition of every earlier head into every later head beside samples=N random matrix pairs); maps RELATION|FILE (MAPS static relation scores, dynamic=yes also from forward passes with attention forced to the source); decompose L.H (Franco & Crovella's sparse decomposition of the head's attention on the prompt into singular directions and upstream heads); processed=yes reads TransformerLens's processed weights.",
      usage: "weights ov|qk|copy|composition|maps|decompose [L.H|q|k|v|RELATION|FILE] [k=K] [token=TEXT] [rows=prompt|salient] [smallest=yes] [embedding=maps|token] [scope=set|vocabulary] [samples=N] [seed=S] [dynamic=yes] [processed=yes]",
      options: ["k", "token", "rows", "smallest", "embedding", "scope", "samples", "seed", "dynamic", "processed"], positionals: 1...2,
      examples: ["weights ov 2.2", "weights qk 1.0 k=5", "weights copy scope=vocabulary", "weights composition k", "weights maps successor", "weights decompose 2.1"]),
    CommandSpec(
      name: "unablate", group: "interventions", summary: "Remove heads from the active interventions (all: every one).",
      usage: "unablate HEADS|all", positionals: 1...1, examples: ["unablate 2.1", "unablate all"]),
    CommandSpec(
      name: "interventions", group: "interventions", summary: "List the active interventions: the heads ablate HEADS left ablated for run, generate, cache, lens and dla.",
      usage: "interventions", examples: ["interventions"]),
    CommandSpec(
      name: "select", group: "view", summary: "Select a head (its attention shows in the workbench), a destination token and a source token.",
      usage: "select [L.H] [token=N] [source=N|none]", options: ["token", "source"], positionals: 0...1,
      examples: ["select 2.0", "select 9.9 token=14"]),
    CommandSpec(
      name: "view", group: "view", summary: "Choose what the workbench draws: the head grid's result, attention values, the before/after diff, the focused panel.",
      usage: "view [grid=KIND|next|previous] [values=yes|no] [diff=yes|no] [focus=\(ViewState.panels.joined(separator: "|"))]",
      options: ["grid", "values", "diff", "focus"], examples: ["view grid=detect.induction", "view values=yes diff=yes"]),
    CommandSpec(
      name: "theme", group: "view", summary: "Set the workbench's theme: a name in Themes/ (dark, light, mono) or a theme file.",
      usage: "theme NAME|FILE", positionals: 1...1, examples: ["theme light", "theme mono"]),
    CommandSpec(
      name: "save-screen", group: "view", summary: "Write the workbench's screen as text (in `headlab batch --screen WxH`, the screen drawn in memory).",
      usage: "save-screen FILE", positionals: 1...1, examples: ["save-screen ioi-main.txt"]),
    CommandSpec(
      name: "export", group: "export", summary: "Write the last results to a file: .json (headlab.result/1), .csv or .txt, chosen by the extension; a traced circuit also as .dot (Graphviz), or as .svg or .png rendered by Graphviz's dot when it is installed.",
      usage: "export FILE", positionals: 1...1, examples: ["export patching.json", "export heads.csv", "export circuit.dot"]),
    CommandSpec(
      name: "cache", group: "export", summary: "Write the activations of a forward pass of the prompt (under the active interventions) as safetensors keyed by TransformerLens hook names; sites= filters by glob. Not replayed from a session.",
      usage: "cache FILE.safetensors [sites=PATTERN,...]", options: ["sites"], positionals: 1...1,
      examples: ["cache run.safetensors", "cache patterns.safetensors sites=blocks.*.attn.hook_pattern"]),
    CommandSpec(
      name: "save", group: "session", summary: "Save the session (model, inputs, active interventions, every command with its results) atomically, keeping the previous file as FILE~.",
      usage: "save FILE", positionals: 1...1, examples: ["save ioi.session.json"]),
    CommandSpec(
      name: "open", group: "session", summary: "Open a saved session in place of the current state (model, inputs, interventions, history); model=NAME re-runs it on another model.",
      usage: "open FILE [model=NAME]", options: ["model"], positionals: 1...1, examples: ["open ioi.session.json", "open ioi.session.json model=gpt2"]),
    CommandSpec(
      name: "help", group: "help", summary: "List the commands, or show one command's usage and examples.",
      usage: "help [COMMAND]", positionals: 0...1, examples: ["help", "help patch"]),
  ]

  public static func spec(named name: String) -> CommandSpec? { all.first { $0.name == name } }

  /// Checks a parsed line against its command's spec (known command and options, the number of
  /// values) without running it; the error gives the column and the usage.
  public static func check(_ line: ParsedLine) throws { _ = try CommandArguments(line) }

  /// The catalog as help text: one line per command, grouped.
  public static var helpText: String {
    var lines: [String] = []
    var group = ""
    let width = all.map(\.name.count).max() ?? 0  // `padding` would cut a longer name
    for spec in all {
      if spec.group != group {
        group = spec.group
        lines.append(lines.isEmpty ? "\(group):" : "\n\(group):")
      }
      lines.append("  \(spec.name.padding(toLength: max(10, width), withPad: " ", startingAt: 0)) \(spec.summary)")
    }
    return lines.joined(separator: "\n")
  }
}

extension CommandCatalog {
  /// The README's command reference, generated from the catalog (a test fails when the README's
  /// copy is stale): a table per group with usage and summary.
  public static var markdownReference: String {
    var lines: [String] = []
    var group = ""
    for spec in all {
      if spec.group != group {
        group = spec.group
        if !lines.isEmpty { lines.append("") }
        lines += ["**\(group)**", "", "| command | what it does |", "|---|---|"]
      }
      lines.append("| `\(spec.usage.replacingOccurrences(of: "|", with: "\\|"))` | \(spec.summary.replacingOccurrences(of: "|", with: "\\|")) |")
    }
    return lines.joined(separator: "\n")
  }
}
