"""The review queue: uncertain pairs decided by people, overriding the model."""
