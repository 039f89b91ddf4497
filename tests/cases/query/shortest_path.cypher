// shortestPath ignores direction with `-[*]-` and returns one path.
MATCH p = shortestPath((a:Person {name: 'Trần Văn Minh'})-[*]-(b:Person {name: 'Phùng Sĩ Tấn'}))
RETURN length(p) AS hops, [n IN nodes(p) | n.name] AS via
