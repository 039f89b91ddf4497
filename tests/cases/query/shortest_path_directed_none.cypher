// Following arrows only, no path leads from a place back to a person.
MATCH p = shortestPath((a:Place {name: 'Hà Nội'})-[*]->(b:Person)) RETURN p
