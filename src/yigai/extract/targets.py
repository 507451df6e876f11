"""Read the quantified targets of a plan (implemented in the targets work)."""


def run(plan_id: str, text: str, tasks: list[dict]) -> list[dict]:
    """Return the rows of the `targets` table for one plan."""
    return []
