import CircuitAnalysis

extension LineToken {
  /// `i/n`: a shard of a dataset-level command (0-based, as `$SLURM_ARRAY_TASK_ID` and
  /// `$JOB_COMPLETION_INDEX` count); the error points at the value.
  public func shard() throws -> ShardSpec {
    do { return try ShardSpec(parsing: text) } catch let error as AnalysisError { throw self.error(error.description) }
  }
}
