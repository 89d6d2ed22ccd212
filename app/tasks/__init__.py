"""Task assignments, progress reports, supervision (任务分解, 督办). The demo's pairings: app/demo/pairings.py."""
