"""Writes the bad and odd data files that tests/loaders.rs reads.
Run from this folder: python3 make_corpus.py"""
import gzip, random

def w(name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(name, mode, **({} if mode == 'wb' else {'newline': ''})) as f:
        f.write(data)

# bad files
w('empty.csv', '')
w('whitespace_only.csv', '  \n\n \t\n')
w('header_only.csv', 'a,b,y\n')
w('comments_only.csv', '# nothing here\n# at all\n')
w('ragged_short.csv', 'a,b,y\n1,2,0\n3,4\n5,6,1\n')
w('ragged_long.csv', 'a,b,y\n1,2,0\n3,4,1,9\n')
w('text_in_numeric.csv', 'x1,x2,y\n' + ''.join(f'{i},{i*2},{i%2}\n' for i in range(1, 40)) + '40,forty,0\n')
w('nan_cell_ok_missing.csv', 'a,b,y\n1,NaN,0\n2,3,1\n4,5,0\n6,7,1\n')
w('inf_cell.csv', 'a,b,y\n1,2,0\n3,inf,1\n')
w('overflow_f32.csv', 'a,b,y\n1,2,0\n3,1e39,1\n')
w('one_class.csv', 'a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n')
w('many_classes.csv', 'a,b,label\n' + ''.join(f'{i},{i%7},id{i}\n' for i in range(10000)))
random.seed(7)
w('binary_garbage.csv', bytes(random.randrange(256) for _ in range(4096)))
w('invalid_utf8.csv', b'a,b,y\n1,2,0\n3,\xff\xfe,1\n')
w('latin1.csv', 'name,b,y\ncaf\xe9,2,0\n'.encode('latin-1'))
w('wide_50000.csv', ','.join(f'c{i}' for i in range(50000)) + ',y\n' + ','.join(str(i % 10) for i in range(50000)) + ',1\n' + ','.join(str(i % 3) for i in range(50000)) + ',0\n')
w('duplicate_columns.csv', 'a,b,a,y\n1,2,3,0\n4,5,6,1\n')
w('unclosed_quote.csv', 'a,b,y\n1,"2,0\n3,4,1\n')
w('only_target.csv', 'y\n1\n2\n')
w('all_targets_missing.csv', 'a,b,y\n1,2,NA\n3,4,?\n')
# Repeated towns (60 of them in 500 rows): too many to one-hot, and not an identifier.
w('too_many_levels.csv', 'city,b,y\n' + ''.join(f'town{i % 60},{i},{i%2}\n' for i in range(500)))
w('bad.libsvm', '1 1:0.5 2:0.25\n-1 2:x\n')
w('decreasing.libsvm', '1 3:0.5 2:0.25\n')
w('huge_index.libsvm', '1 1:1 99999999:2\n')
w('no_data.arff', '@relation r\n@attribute a numeric\n@attribute class {x,y}\n@data\n')
w('undeclared.arff', '@relation r\n@attribute a numeric\n@attribute class {x,y}\n@data\n1,x\n2,z\n')
w('date.arff', '@relation r\n@attribute d date "yyyy-MM-dd"\n@attribute class {x,y}\n@data\n2020-01-01,x\n')
w('truncated.csv.gz', gzip.compress(b'a,b,y\n' + b''.join(b'%d,%d,%d\n' % (i, i, i % 2) for i in range(2000)))[:300])
w('not_really.gz.csv', b'\x1f\x8b\x08garbage-after-the-magic')

# odd files that load
w('semicolon_decimal.csv', 'a;b;y\n1,5;2;0\n3,25;4;1\n5;6;0\n')
w('tabs.tsv', 'a\tb\ty\n1\t2\t0\n3\t4\t1\n')
w('pipes.csv', 'a|b|y\n1|2|0\n3|4|1\n')
w('crlf_bom.csv', '\ufeffa,b,y\r\n1,2,0\r\n3,4,1\r\n'.encode('utf-8'))
w('quoted.csv', '"first, name",b,y\n"1",2,"a"\n"3",4,"b, c"\n')
w('no_header.csv', '5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,virginica\n')
w('no_header_numeric.csv', '1,2,0\n3,4,1\n5,6,0\n')
w('comments_blank.csv', '# a comment\na,b,y\n\n1,2,0\n# another\n3,4,1\n\n')
w('missing_values.csv', 'a,b,y\n1,,0\n2,NA,1\n3,4,0\n?,5,1\n6,null,0\n7,8,1\n')
w('missing_target.csv', 'a,b,y\n1,2,0\n3,4,\n5,6,1\n')
w('categorical.csv', 'colour,size,y\nred,1,0\nblue,2,1\ngreen,3,0\nred,4,1\n')
w('id_column.csv', 'id,a,b,target\n101,1,2,0\n102,3,4,1\n103,5,6,0\n')
w('gzipped.csv.gz', gzip.compress(b'a,b,y\n' + b''.join(b'%d,%d,%d\n' % (i, 2 * i, i % 2) for i in range(100))))
w('sparse.libsvm', '# a comment\n+1 1:0.5 3:1.5 # trailing\n-1 2:2 qid:3\n+1 4:-1\n')
w('zero_based.svm', '0 0:1 2:3\n1 1:2\n')
w('weather.arff', """% Weka's weather data, nominal and numeric
@relation weather
@attribute outlook {sunny, overcast, rainy}
@attribute temperature numeric
@attribute humidity real
@attribute windy {TRUE, FALSE}
@attribute play {yes, no}
@data
sunny,85,85,FALSE,no
sunny,80,90,TRUE,no
overcast,83,86,FALSE,yes
rainy,70,96,FALSE,yes
rainy,68,?,FALSE,yes
'overcast',64,65,TRUE,yes
""")
w('sparse.arff', '@relation s\n@attribute a numeric\n@attribute b numeric\n@attribute c {p,q}\n@data\n{0 1, 2 q}\n{1 2}\n')
w('regression_floats.csv', 'a,b,price\n1,2,10.5\n3,4,11.25\n5,6,9.75\n')
