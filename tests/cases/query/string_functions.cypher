RETURN toUpper('abc') AS up, substring('hello', 1, 3) AS sub, split('a,b', ',') AS parts, left('hello', 2) AS l,
       right('hello', 2) AS r, replace('aXa', 'X', 'b') AS rep, trim('  x ') AS t, toString(1.5) AS s,
       toInteger('42') AS i, 'ab' STARTS WITH 'a' AS sw, 'abc' =~ 'a.c' AS re
