"""Reading and correcting one document, without Textual: the session the Reader screen drives
(`session`: the document, what is under the cursor, motions) and its commands on spans
(`edits`), tagging a claim (`claim_editor`), token steps for boundary edits (`tokens`), the
undoable writes on spans (`commands`, `writes`) and on claims (`claims`), speakers linked to
mentions (`speakers`), which suggestions are known (`known`, with the team's decisions kept
per session in `team_cache`), the cursor model (`cursor`), spans bucketed by wrapped row
(`span_index`) and text layout (`layout/`). Import from the module that holds a name: this
package imports nothing, so `layout` stays cheap for the command line.

May import: entities, suggestions, extract, store, config, vocab, errors.
"""
