"""Writes sample_submission.ipynb: a plausible student's notebook with a few typical mistakes.

It starts from the instructors' solution notebook and changes lines the way a student might
(some only in style, three wrongly), plus the stray cells real notebooks carry. Run it after
`grader generate` to refresh the sample:

    python exercises/examples/make_sample_submission.py

The mistakes, which `grader check` should name:
- initialize_parameters: biases made with np.zeros(n), 1-D arrays instead of columns;
- compute_cost: the minus sign of the cross-entropy forgotten;
- linear_backward: db summed without keepdims=True (linear_activation_backward and
  L_model_backward are right and keep their points: the bug is charged to linear_backward).
"""

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOLUTION = HERE.parent.parent / "reference" / "solution.ipynb"
TARGET = HERE / "sample_submission.ipynb"

EDITS = {  # cell id -> [(solution line, the student's line)]
    "graded-initialize_parameters": [
        ("b1 = np.zeros((n_h, 1))", "b1 = np.zeros(n_h)"),
        ("b2 = np.zeros((n_y, 1))", "b2 = np.zeros(n_y)"),
    ],
    "graded-linear_forward": [
        ("Z = np.dot(W, A) + b", "Z = W @ A + b  # @ is matrix multiplication"),
    ],
    "graded-compute_cost": [
        (
            "cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))",
            "cost = (1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))",
        ),
    ],
    "graded-linear_backward": [
        ("db = np.sum(dZ, axis=1, keepdims=True) / m", "db = np.sum(dZ, axis=1) / m"),
    ],
}

SCRATCH = [
    "# trying things out\nparameters = initialize_parameters_deep([5, 4, 3])\n"
    "print(parameters['W3'].shape)",
    "!pip install numpy\nprint('done!')",
]


def build() -> nbformat.NotebookNode:
    nb = nbformat.read(str(SOLUTION), as_version=4)
    for cell in nb.cells:
        for old, new in EDITS.get(cell.get("id", ""), []):
            if old not in cell.source:
                raise SystemExit(f"{cell.id}: {old!r} not found: has the solution changed?")
            cell.source = cell.source.replace(old, new)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = "%matplotlib inline\n" + first.source
    for i, source in enumerate(SCRATCH):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"scratch-{i}"
        nb.cells.append(cell)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    }
    return nb


def main() -> None:
    nbformat.write(build(), str(TARGET))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
