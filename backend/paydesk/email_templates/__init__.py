"""The account's own wording of the emails paydesk sends its customers after a change."""
