"""Layout-to-performance sweeps: a base chip spec, the fields to vary, the metrics to record.

``spec`` reads and checks the sweep file and expands it into points; ``point`` runs the real
pipeline on one point and turns its reports into metrics; ``store`` keeps one Parquet part per
finished point (resume) and the content-keyed cache; ``run`` schedules the points on Dask;
``plots`` draws ``sweep.html``.
"""
