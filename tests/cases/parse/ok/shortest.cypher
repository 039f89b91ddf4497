MATCH p = shortestPath((a:Person {name: 'A'})-[*..5]-(b:Person {name: 'B'})),
      q = allShortestPaths((a)-[:KNOWS*]->(b))
RETURN p, q UNION ALL RETURN 1 AS p, 2 AS q
