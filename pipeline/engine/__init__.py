"""Running batches: local workers and Dask."""
