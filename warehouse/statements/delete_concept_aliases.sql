DELETE FROM concept_aliases;
