INSERT INTO concepts (
    id, name, kind, category, description, extension, source_article, source_section,
    taxonomy_hash
)
SELECT
    id, name, kind, category, description, extension, source_article, source_section,
    taxonomy_hash
FROM incoming_concepts;
