"""National registers of ESS structures (SIRENE, FINESS ESAT list, ASP SIAE list, data·inclusion).

Each source has a reader module that turns a published file into `RegisterRecord`s (or
`RowSkipped` with its reason); `records.py` is the contract between the readers and the
import, which writes through `initiatives.rules` like any other write.
"""
