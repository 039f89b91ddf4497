// Keywords are not function names: `WHEN (x)` is not a call of `WHEN`.
RETURN CASE WHEN (x) IS NULL THEN 0 END AS a, CASE (1) WHEN (1) THEN 'one' ELSE 'other' END AS b
