"""Events: their input contract, queries and filters, search, facets, ordering, the lane
layout of the drawing, edits with revisions, and the review queue."""
