"""Reference solutions of the exercises, one module per chapter (``solutions.ch01``...).

Read them through :func:`dlhelpers.exercises.show_solution`, after trying.
"""
