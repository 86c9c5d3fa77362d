import Foundation

/// Loads a model directory strictly: every tensor in the files is either mapped to a parameter
/// or explicitly dropped, every parameter is found exactly once, and every shape matches the
/// config. Errors name the tensor and the file.
public enum ModelLoader {
  public struct Report: Sendable {
    public let files: [URL]
    /// Count of checkpoint tensors per dtype, e.g. ["F32": 148].
    public let dtypes: [String: Int]
    public let droppedTensors: [String]
    /// Bytes of the weight files (of their targets, when they are symbolic links).
    public let bytesOnDisk: Int
  }

  public static func load(_ directory: ModelDirectory) throws -> (TransformerModel, Report) {
    let configFile = directory.configFile
    guard try LinkedFile.exists(configFile) else {
      throw CheckpointError.missingFile(directory: directory.url.path, expected: "config.json")
    }
    let config = try HuggingFaceConfig.load(configFile)
    let files = try directory.weightFiles().map { try SafetensorsFile(url: $0) }
    return try load(config: config, files: files)
  }

  public static func load(config: ModelConfig, files: [SafetensorsFile]) throws -> (TransformerModel, Report) {
    var owner: [String: SafetensorsFile] = [:]
    for file in files {
      for name in file.names {
        if let other = owner[name] {
          throw CheckpointError.duplicateTensor(tensor: name, files: [other.url.path, file.url.path])
        }
        owner[name] = file
      }
    }
    try config.validate()
    let map = WeightMap.forConfig(config, names: Set(owner.keys))
    let filePaths = files.map(\.url.path)
    // Every shape is checked against the config before anything is allocated, so a config that
    // does not describe these files cannot make the loader allocate for a model that is not there.
    let layout = ParameterLayout(config: config)
    let required = map.required.sorted(by: { $0.key < $1.key })
    for (name, parameter) in required {
      guard let file = owner[name] else { throw CheckpointError.missingTensor(tensor: name, files: filePaths) }
      let expected = layout.entry(parameter)!.shape
      guard let entry = file.entries[name], entry.shape == expected else {
        throw CheckpointError.shapeMismatch(file: file.url.path, tensor: name, expected: expected, got: file.entries[name]?.shape ?? [])
      }
    }
    let model = try TransformerModel(config: config)
    for (name, parameter) in required {
      try owner[name]!.read(name, into: model.parameters.pointer(parameter))
    }

    var dropped: [String] = []
    for (name, file) in owner where map.required[name] == nil {
      if map.isDropped(name) {
        dropped.append(name)
      } else if let tied = map.tiedDuplicate, tied.name == name {
        let duplicate = try file.tensor(name)
        guard duplicate == model.parameters.tensor(tied.of) else {
          throw CheckpointError.badTensor(file: file.url.path, tensor: name,
                                          reason: "config says embeddings are tied but it differs from the token embedding")
        }
        dropped.append(name)
      } else {
        throw CheckpointError.unexpectedTensor(file: file.url.path, tensor: name)
      }
    }

    var dtypes: [String: Int] = [:]
    for file in files { for entry in file.entries.values { dtypes[entry.dtype.rawValue, default: 0] += 1 } }
    let bytes = files.reduce(0) { $0 + $1.byteCount }
    return (model, Report(files: files.map(\.url), dtypes: dtypes, droppedTensors: dropped.sorted(), bytesOnDisk: bytes))
  }
}
