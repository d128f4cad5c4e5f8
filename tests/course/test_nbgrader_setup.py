"""nbgrader's new gradebooks get their schema revision without a new process per gradebook."""

import nbgrader.api

from worldlab.course.nbgrader_setup import alembic_head, course_config
from worldlab.paths import repo_root


def test_the_in_process_alembic_head_is_the_one_nbgrader_finds_itself():
    course_config(repo_root())  # what build, check and grade load first
    patched = nbgrader.api.get_alembic_version
    assert patched.nbgrader_own is not patched, "course_config left nbgrader's lookup in place"
    head = alembic_head()
    assert len(head) == 12 and int(head, 16) >= 0
    assert patched() == head == patched.nbgrader_own()  # nbgrader's own runs `alembic heads`
