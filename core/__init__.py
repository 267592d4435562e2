"""The bottom layer every app may use: errors, API conventions, request ids, platforms, enqueue-after-commit,
formatting. It imports no app of ours."""
