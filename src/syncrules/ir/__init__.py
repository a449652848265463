"""The intermediate representation: frozen, slotted dataclasses with spans."""
