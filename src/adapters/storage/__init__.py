"""File storage adapters: a local folder (embedded default) and S3 (production).

Both implement ``questlog_core.ports.platform.FileStorage`` and pass the contract suite in
``tests/contract/test_file_storage.py``; the in-memory twin lives in ``adapters.memory.storage``.
"""
