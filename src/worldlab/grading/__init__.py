"""Safe autograding: run untrusted student notebooks in a sandbox and grade them."""
