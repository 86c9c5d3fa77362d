#!/usr/bin/env python3
"""Checks Sources/CircuitAnalysis/Resources/headlab.result-1.schema.json with Python's
`jsonschema` (a real draft 2020-12 implementation) against the results the Swift code wrote.

The samples are Tests/CircuitAnalysisTests/Resources/result-schema/samples/*.json, written by
ResultSchemaTests.testCommittedSamplesAreWhatTheSwiftCodeWrites (HEADLAB_WRITE_SCHEMA_SAMPLES=1);
names start with "valid-" or "invalid-". This script
  1. checks the schema itself against the draft 2020-12 metaschema,
  2. validates every sample and fails unless the verdict matches the name,
  3. writes result-schema/jsonschema-verdicts.json ({file: {"valid", "errors"}}, the errors being
     the innermost ones as "JSON Pointer: message"), which
     ResultSchemaTests.testVerdictsAgreeWithPythonJSONSchema compares with the Swift validator:
     the same verdict, and every path the Swift validator reports among jsonschema's.

Run: python3 scripts/check_result_schema.py   (pip install jsonschema if it is missing)
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("jsonschema is missing: pip install jsonschema")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "Sources/CircuitAnalysis/Resources/headlab.result-1.schema.json"
FIXTURES = ROOT / "Tests/CircuitAnalysisTests/Resources/result-schema"


def main():
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    verdicts = {}
    failures = []
    samples = sorted((FIXTURES / "samples").glob("*.json"))
    if not samples:
        sys.exit(f"no samples in {FIXTURES / 'samples'}")
    for path in samples:
        instance = json.loads(path.read_text())
        errors = list(validator.iter_errors(instance))
        valid = not errors
        messages = sorted({pointer(e) + ": " + e.message[:200] for e in leaves(errors)})
        verdicts[path.name] = {"valid": valid, "errors": messages}
        expected = path.name.startswith("valid-")
        status = "ok" if valid == expected else "DISAGREES"
        print(f"{status:10} {path.name}: {'valid' if valid else 'invalid'}" + ("" if valid else f" ({messages[0][:100]})"))
        if valid != expected:
            failures.append(path.name)
    (FIXTURES / "jsonschema-verdicts.json").write_text(json.dumps(verdicts, indent=1, sort_keys=True) + "\n")
    print(f"jsonschema {jsonschema_version()}: {len(samples)} samples, {len(failures)} disagreements")
    if failures:
        sys.exit("verdicts differ from the sample names: " + ", ".join(failures))


def leaves(errors):
    """The innermost errors: an anyOf error's branch errors, recursively (the root accepts a
    result or a list, so every error starts as an anyOf error at the root)."""
    out = []
    for e in errors:
        out.extend(leaves(e.context) if e.context else [e])
    return out


def pointer(error):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)


def jsonschema_version():
    from importlib.metadata import version
    return version("jsonschema")


if __name__ == "__main__":
    main()
