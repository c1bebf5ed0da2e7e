"""Issuance and printing on a distributed engine: Celery workers on a Redis broker, state in the archive.

``shahada worker`` runs :mod:`shahada.workers.tasks` (each worker process signs through the
installation's agent: its own, on the shared PostgreSQL wallet, or the one ``agent_admin_url``
points at); ``shahada issue --distributed`` runs :func:`shahada.workers.coordinator.issue_distributed`:
plan in the archive, enqueue batches of pending credential ids, follow the archive until none is
pending. The archive is the only state: a task signs those of its ids still pending, in one
transaction, so a batch delivered twice (a worker killed after signing, a message restored by the
broker, a coordinator run again) stores nothing twice.
:mod:`shahada.workers.publication` re-signs status lists, one task per list on the ``publish`` queue.
Printing (:mod:`shahada.workers.print_tasks`, :mod:`shahada.workers.print_coordinator`) works the
same way on the ``print`` queue: batches of archive ids, each PDF written once, progress from the
archive's printed records.
"""

QUEUES = ("sign", "publish", "print")  # what a worker can take work from (``shahada worker --queues``)
