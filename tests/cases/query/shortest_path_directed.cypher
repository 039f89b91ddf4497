// Following arrows: from Minh to the summit's city, three hops.
MATCH p = shortestPath((a:Person {name: 'Trần Văn Minh'})-[*]->(b:Place {name: 'Hà Nội'}))
RETURN [r IN relationships(p) | type(r)] AS types, length(p) AS hops
