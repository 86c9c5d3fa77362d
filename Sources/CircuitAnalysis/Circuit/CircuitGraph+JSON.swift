import Foundation

/// The JSON form of a circuit, the `graph` object of a `headlab.result/1` circuit result:
/// ```json
/// { "method": "eap", "layers": 4, "heads": 4, "split_qkv": false,
///   "nodes": [{"name": "embed", "score": null}, {"name": "<a1.2>", "score": 0.31}, ...],
///   "edges": [{"sender": "embed", "receiver": "<a1.2>", "score": 0.12}, ...] }
/// ```
/// Node names are ACDC's (`CircuitNode.name`); nodes are in forward order and edges sorted by
/// receiver, then sender, so two runs with the same inputs write the same bytes.
extension CircuitGraph {
  public var json: JSONValue {
    let nodeList: [JSONValue] = nodes.map {
      ["name": .string($0.name), "score": nodeScores[$0].map(JSONValue.number) ?? .null]
    }
    let edgeList: [JSONValue] = edges.map {
      ["sender": .string($0.sender.name), "receiver": .string($0.receiver.name), "score": $0.score.map(JSONValue.number) ?? .null]
    }
    return ["method": .string(method), "layers": .number(Double(layers)), "heads": .number(Double(heads)),
            "split_qkv": .bool(splitQKV), "nodes": .array(nodeList), "edges": .array(edgeList)]
  }

  /// Reads the `graph` object back; errors name the field or the node at fault.
  public init(json: JSONValue) throws {
    func fail(_ message: String) -> AnalysisError { .invalidArgument("circuit graph: \(message)") }
    guard case .object(let object) = json else { throw fail("not an object") }
    guard case .string(let method)? = object["method"] else { throw fail("'method' must be a string") }
    guard case .number(let layers)? = object["layers"], case .number(let heads)? = object["heads"],
          layers >= 1, heads >= 1, layers == layers.rounded(), heads == heads.rounded()
    else { throw fail("'layers' and 'heads' must be positive integers") }
    guard case .bool(let split)? = object["split_qkv"] else { throw fail("'split_qkv' must be true or false") }
    guard case .array(let nodeList)? = object["nodes"], case .array(let edgeList)? = object["edges"] else {
      throw fail("'nodes' and 'edges' must be arrays")
    }
    let (L, NH) = (Int(layers), Int(heads))
    let known = Set(CircuitGraph.allNodes(layers: L, heads: NH, splitQKV: split))
    func node(_ value: JSONValue?, _ field: String) throws -> CircuitNode {
      guard case .string(let name)? = value else { throw fail("\(field) must be a node name") }
      guard let node = CircuitNode(name: name), known.contains(node) else {
        throw fail("'\(name)' is not a node of a \(L)-layer, \(NH)-head graph\(split ? " with split q/k/v" : "")")
      }
      return node
    }
    func score(_ value: JSONValue?, _ what: String) throws -> Double? {
      switch value {
      case nil, .null?: return nil
      case .number(let number)?: return number
      default: throw fail("the score of \(what) must be a number or null")
      }
    }
    var nodes: [CircuitNode] = []
    var nodeScores: [CircuitNode: Double] = [:]
    for entry in nodeList {
      guard case .object(let fields) = entry else { throw fail("a node must be an object") }
      let parsed = try node(fields["name"], "a node's 'name'")
      nodes.append(parsed)
      nodeScores[parsed] = try score(fields["score"], parsed.name)
    }
    var edges: [CircuitEdge] = []
    for entry in edgeList {
      guard case .object(let fields) = entry else { throw fail("an edge must be an object") }
      let sender = try node(fields["sender"], "an edge's 'sender'"), receiver = try node(fields["receiver"], "an edge's 'receiver'")
      guard sender.writes(before: receiver) else { throw fail("\(sender.name) -> \(receiver.name) is not a residual-stream edge") }
      edges.append(CircuitEdge(sender, receiver, score: try score(fields["score"], "\(sender.name) -> \(receiver.name)")))
    }
    self.init(layers: L, heads: NH, splitQKV: split, nodes: nodes, edges: edges, nodeScores: nodeScores, method: method)
  }
}
