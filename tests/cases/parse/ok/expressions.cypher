RETURN -2 ^ 2 * 3 + 1 AS a, (1 + 2) * 3 AS b, 1 < 2 <= 3 AS c, 'a' STARTS WITH 'b' OR 'c' =~ 'd.*' AS d,
  x IS NOT NULL AS e, [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS f, {k: [1, 'two', null, 3.5]}['k'][0..2] AS g,
  CASE WHEN true THEN 1 ELSE 2 END AS h, CASE x WHEN 1 THEN 'one' END AS i, count(DISTINCT y) AS j,
  all(z IN [1] WHERE z > 0) AS k, $param AS l, `weird name` AS m, 0x1F AS n, -9223372036854775808 AS o
