RETURN null AND false AS a, null OR true AS b, null = null AS c, null IS NULL AS d, 1 IN [null, 1] AS e,
       2 IN [null, 1] AS f, CASE WHEN null THEN 'y' ELSE 'n' END AS g, coalesce(null, 'x') AS h
