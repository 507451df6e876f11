"""Read a plan body's outline into a tree of tasks (implemented in the tasks work)."""


def run(plan_id: str, text: str, body_start: int) -> list[dict]:
    """Return the rows of the `tasks` table for one plan."""
    return []
