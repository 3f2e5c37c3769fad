"""Building blocks shared by the partner API's views (errors, pagination, formats, caching)."""
