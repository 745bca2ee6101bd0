"""Relabel → retrain → before/after: a candidate model trained with the reviewed
messages, measured against the model in use on the same held-out set.

``run(job_id, …)`` is what ``python -m bot retrain`` runs (the review page starts it
in the background): it writes the reviewed examples to the NLU data directory,
trains a candidate with ``rasa train`` into ``models/candidates/``, evaluates the
active model and the candidate on ``data/test/test_nlu.yml``, and stores the report
on the job's ``ModelVersion`` row. Nothing is activated here: a supervisor decides.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.assist.export import count, reviewed_examples, to_yaml
from bot.store.service_models import ModelStatus, ModelVersion, as_utc, utcnow

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = ROOT / "models" / "assistant.tar.gz"


@dataclass(frozen=True)
class RetrainPaths:
    data_dir: Path = ROOT / "data" / "nlu"              # the NLU training data (reviewed.yml goes here)
    rules_dir: Path = ROOT / "data" / "rules"
    candidates_dir: Path = ROOT / "models" / "candidates"
    test_file: Path = ROOT / "data" / "test" / "test_nlu.yml"


def active_model(session: Session, default: Path = DEFAULT_MODEL) -> Path:
    """The model the service should answer with: the newest activated one, else the default."""
    row = session.execute(select(ModelVersion).where(ModelVersion.status == ModelStatus.active)
                          .order_by(ModelVersion.decided_at.desc(), ModelVersion.id.desc())
                          .limit(1)).scalar()
    return Path(row.path) if row is not None and Path(row.path).exists() else default


def test_examples(test_file: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(test_file))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def evaluate(model: Path, examples: List[Tuple[str, str]]) -> Dict[str, Any]:
    """Accuracy, macro-F1 and per-intent precision/recall/F1 of one model."""
    from sklearn.metrics import classification_report

    from bot.nlu.parser import NLUParser

    parser = NLUParser(model)
    truth = [intent for _, intent in examples]
    predicted = [parser.parse(text)["intent"] for text, _ in examples]
    labels = sorted(set(truth))
    report = classification_report(truth, predicted, labels=labels, output_dict=True,
                                   zero_division=0)
    return {"model": str(model), "examples": len(examples),
            "accuracy": round(sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth), 4),
            "macro_f1": round(report["macro avg"]["f1-score"], 4),
            "intents": {label: {"precision": round(report[label]["precision"], 4),
                                "recall": round(report[label]["recall"], 4),
                                "f1": round(report[label]["f1-score"], 4),
                                "support": int(report[label]["support"])} for label in labels}}


def compare(before: Dict[str, Any], after: Dict[str, Any]) -> Dict[str, Any]:
    rows = [{"intent": name, "support": stats["support"], "before": stats["f1"],
             "after": after["intents"].get(name, {}).get("f1", 0.0),
             "delta": round(after["intents"].get(name, {}).get("f1", 0.0) - stats["f1"], 4)}
            for name, stats in before["intents"].items()]
    return {"before": {k: before[k] for k in ("model", "examples", "accuracy", "macro_f1")},
            "after": {k: after[k] for k in ("model", "examples", "accuracy", "macro_f1")},
            "macro_f1_delta": round(after["macro_f1"] - before["macro_f1"], 4),
            "per_intent": rows}


def _progress(factory: sessionmaker, job_id: int, status: ModelStatus, progress: str,
              **fields: Any) -> None:
    with factory() as session:
        job = session.get(ModelVersion, job_id)
        job.status, job.progress = status, progress
        for key, value in fields.items():
            setattr(job, key, value)
        session.commit()


def train(paths: RetrainPaths, name: str) -> Path:
    rasa = str(Path(sys.executable).parent / "rasa")
    paths.candidates_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [rasa, "train", "--config", "config.yml", "--domain", "domain.yml", "--data",
         str(paths.data_dir), str(paths.rules_dir), "--out", str(paths.candidates_dir),
         "--fixed-model-name", name],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "RASA_MAX_CACHE_SIZE": "0", "RASA_TELEMETRY_ENABLED": "false"})
    model = paths.candidates_dir / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError("rasa train failed: " + " | ".join(tail))
    return model


def run(factory: sessionmaker, job_id: int, paths: RetrainPaths) -> Dict[str, Any]:
    """Export, train, evaluate; the job row tells the page where it is."""
    try:
        with factory() as session:
            examples = reviewed_examples(session)
            base = active_model(session)
        _progress(factory, job_id, ModelStatus.training,
                  f"training with {count(examples)} reviewed examples", examples_added=count(examples))
        (paths.data_dir / "reviewed.yml").write_text(to_yaml(examples), encoding="utf-8")
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        model = train(paths, f"candidate-{job_id}-{stamp}")
        _progress(factory, job_id, ModelStatus.evaluating, "evaluating both models on the held-out set",
                  path=str(model))
        held_out = test_examples(paths.test_file)
        report = compare(evaluate(base, held_out), evaluate(model, held_out))
        _progress(factory, job_id, ModelStatus.ready,
                  f"ready: macro-F1 {report['before']['macro_f1']:.3f} → "
                  f"{report['after']['macro_f1']:.3f}", report=report)
        return report
    except Exception as e:  # the page shows why; the service keeps its model
        _progress(factory, job_id, ModelStatus.failed, f"failed: {e}")
        raise


def new_job(session: Session, requested_by: str,
            now: Optional[dt.datetime] = None) -> ModelVersion:
    job = ModelVersion(path="", status=ModelStatus.training, progress="starting",
                       requested_by=requested_by, created_at=as_utc(now) if now else utcnow())
    session.add(job)
    session.commit()
    return job


def running_job(session: Session) -> Optional[ModelVersion]:
    return session.execute(select(ModelVersion).where(ModelVersion.status.in_(
        [ModelStatus.training, ModelStatus.evaluating]))).scalar()
