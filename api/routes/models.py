"""Retrain → before/after → activate: the model the service answers with.

Supervisors see the versions and their reports; starting a retrain and
activating or rejecting a candidate change what every shop is answered with,
so they are admin actions (403 for anyone else)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any, Dict, List

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from sqlalchemy import select
from typing_extensions import Annotated

from api.deps import ClockDep, CurrentUser, SessionDep
from api.settings import ROOT
from bot.assist.retrain import new_job, running_job
from bot.store.service_models import ModelStatus, ModelVersion, Role, User, as_utc

router = APIRouter(tags=["models"])
JobId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
STALE = dt.timedelta(minutes=30)


def _supervisor(user: User) -> None:
    if user.role not in (Role.supervisor, Role.admin):
        raise HTTPException(403, "supervisors only")


def _admin(user: User) -> None:
    if user.role != Role.admin:
        raise HTTPException(403, "admins only: retraining and activating a model change the "
                                 "answers of every shop")


def view(job: ModelVersion) -> Dict[str, Any]:
    return {"id": job.id, "status": job.status.value, "progress": job.progress,
            "model": os.path.basename(job.path) if job.path else None,
            "examples_added": job.examples_added, "report": job.report,
            "requested_by": job.requested_by, "decided_by": job.decided_by,
            "created_at": as_utc(job.created_at).isoformat(),
            "decided_at": as_utc(job.decided_at).isoformat() if job.decided_at else None}


@router.get("/models", summary="Model versions, newest first (supervisors)")
def list_models(user: CurrentUser, session: SessionDep, request: Request) -> Dict[str, Any]:
    _supervisor(user)
    jobs: List[ModelVersion] = session.execute(
        select(ModelVersion).order_by(ModelVersion.id.desc()).limit(20)).scalars().all()
    assistant = getattr(request.app.state, "assistant", None)
    return {"serving": assistant.model_path.name if assistant else None,
            "versions": [view(j) for j in jobs]}


@router.get("/models/{job_id}", summary="One model version: progress and before/after report")
def get_model(job_id: JobId, user: CurrentUser, session: SessionDep) -> Dict[str, Any]:
    _supervisor(user)
    job = session.get(ModelVersion, job_id)
    if job is None:
        raise HTTPException(404, f"no model version {job_id}")
    return view(job)


@router.post("/models/retrain", status_code=202,
             summary="Train a candidate with the reviewed messages, in the background (admins)")
def retrain(user: CurrentUser, session: SessionDep, request: Request,
            clock: ClockDep) -> Dict[str, Any]:
    _admin(user)
    busy = running_job(session)
    if busy is not None and clock() - as_utc(busy.created_at) < STALE:
        raise HTTPException(409, f"model version {busy.id} is still {busy.status.value}")
    if busy is not None:
        busy.status, busy.progress = ModelStatus.failed, "failed: abandoned (no progress)"
    job = new_job(session, user.name, clock())
    settings = request.app.state.settings
    subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "bot", "retrain", "--job", str(job.id), "--data-dir",
         str(settings.nlu_data_dir), "--candidates-dir", str(settings.candidates_dir)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return view(job)


def _decide(job_id: int, user: User, session: SessionDep, clock: ClockDep,
            activate: bool) -> ModelVersion:
    _admin(user)
    job = session.get(ModelVersion, job_id)
    if job is None:
        raise HTTPException(404, f"no model version {job_id}")
    if job.status != ModelStatus.ready:
        raise HTTPException(409, f"model version {job_id} is {job.status.value}, not ready")
    if activate:
        for other in session.execute(select(ModelVersion).where(
                ModelVersion.status == ModelStatus.active)).scalars():
            other.status = ModelStatus.retired
    job.status = ModelStatus.active if activate else ModelStatus.rejected
    job.decided_by, job.decided_at = user.name, as_utc(clock())
    session.commit()
    return job


@router.post("/models/{job_id}/activate",
             summary="Answer with this candidate from now on, every process within seconds (admins)")
def activate(job_id: JobId, user: CurrentUser, session: SessionDep,
             clock: ClockDep) -> Dict[str, Any]:
    return view(_decide(job_id, user, session, clock, activate=True))


@router.post("/models/{job_id}/reject", summary="Keep the current model (admins)")
def reject(job_id: JobId, user: CurrentUser, session: SessionDep,
           clock: ClockDep) -> Dict[str, Any]:
    return view(_decide(job_id, user, session, clock, activate=False))
