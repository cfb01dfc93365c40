"""The cost model's data: reading it for the model, loading and editing the reference
tables, and the calculator behind the cost pages and API."""
